using System.Text.Json;
using FluentAssertions;

namespace GovernedCrm.Testing;

/// <summary>
/// What a refused command must print: on stderr one line, the command's error prefix, no stack trace; under --json on
/// stdout one JSON object with the stable code and a message.
/// </summary>
public static class CliErrorOutput
{
    /// <summary>Asserts that <paramref name="stderr"/> is one <c>governed-crm: error:</c> line containing <paramref name="expected"/>.</summary>
    /// <param name="stderr">What the process printed on stderr.</param>
    /// <param name="expected">Text the line must contain.</param>
    public static void ShouldBeOneErrorLine(string stderr, string expected)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().ContainSingle($"stderr should be one line, was:\n{stderr}");
        lines[0].Should().StartWith("governed-crm: error: ").And.Contain(expected);
        stderr.Should().NotContain("   at ", "no stack trace");
    }

    /// <summary>Asserts that <paramref name="stdout"/> is one JSON object with <c>code</c> <paramref name="code"/> and a one-line <c>message</c>.</summary>
    /// <param name="stdout">What the process printed on stdout under --json.</param>
    /// <param name="code">The stable code expected.</param>
    /// <returns>The object, for more checks.</returns>
    public static JsonElement ShouldBeJsonError(string stdout, string code)
    {
        using var document = JsonDocument.Parse(stdout); // throws on anything but one JSON value
        var error = document.RootElement.Clone();
        error.ValueKind.Should().Be(JsonValueKind.Object, stdout);
        error.GetProperty("code").GetString().Should().Be(code, stdout);
        error.GetProperty("message").GetString().Should().NotBeNullOrWhiteSpace().And.NotContain("\n", "the message is one line").And.NotContain("   at ", "no stack trace");
        return error;
    }
}
