using System.Text.Encodings.Web;

namespace GovernedCrm.Mcp.Governance;

/// <summary>JSON settings for tool results.</summary>
internal static class GovernanceJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        // Results are data for a model and a person, not HTML: keep "&" and non-ASCII readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
