using System.Text.Json;
using ModelContextProtocol.Protocol;

namespace GovernedCrm.Mcp.Tests;

internal static class CallToolResultExtensions
{
    public static string Text(this CallToolResult result) =>
        string.Concat(result.Content.OfType<TextContentBlock>().Select(c => c.Text));

    public static JsonElement Structured(this CallToolResult result) =>
        result.StructuredContent ?? throw new InvalidOperationException($"No structured content: {result.Text()}");

    public static string ErrorCode(this CallToolResult result)
    {
        result.IsError.Should().BeTrue($"the call should have failed, but returned: {result.Text()}");
        return result.Structured().GetProperty("error").GetProperty("code").GetString()!;
    }
}
