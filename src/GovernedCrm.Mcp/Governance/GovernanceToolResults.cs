using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;

namespace GovernedCrm.Mcp.Governance;

/// <summary>Builds tool results: structured content plus the same JSON as text for clients that only read text.</summary>
public static class GovernanceToolResults
{
    /// <summary>A successful result.</summary>
    /// <param name="structured">The structured content.</param>
    /// <returns>The result.</returns>
    public static CallToolResult Success(JsonObject structured) => Create(structured, isError: false);

    /// <summary>An error result with a stable code and a message that names the problem.</summary>
    /// <param name="code">The stable code.</param>
    /// <param name="message">The message.</param>
    /// <param name="outcome">The write outcome to report ("denied", "rejected", ...), when the error is a governance decision.</param>
    /// <param name="rule">The rule that decided, if any.</param>
    /// <returns>The result.</returns>
    public static CallToolResult Error(string code, string message, string? outcome = null, string? rule = null)
    {
        var error = new JsonObject { ["code"] = code, ["message"] = message };
        if (rule is not null)
        {
            error["rule"] = rule;
        }

        var structured = new JsonObject();
        if (outcome is not null)
        {
            structured["outcome"] = outcome;
        }

        structured["error"] = error;
        return new CallToolResult
        {
            IsError = true,
            Content = [new TextContentBlock { Text = $"{code}: {message}" }],
            StructuredContent = JsonSerializer.SerializeToElement(structured, GovernanceJson.Options),
        };
    }

    private static CallToolResult Create(JsonObject structured, bool isError) => new()
    {
        IsError = isError ? true : null,
        Content = [new TextContentBlock { Text = structured.ToJsonString(GovernanceJson.Options) }],
        StructuredContent = JsonSerializer.SerializeToElement(structured, GovernanceJson.Options),
    };
}
