using FluentAssertions;

namespace GovernedCrm.Testing;

/// <summary>What a refused command must print on stderr: one line, the command's error prefix, no stack trace.</summary>
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
}
