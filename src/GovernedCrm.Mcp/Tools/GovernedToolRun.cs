using System.Text.Json.Nodes;

namespace GovernedCrm.Mcp.Tools;

/// <summary>What a governed tool returned when it ran for an approved proposal, its sensitive values redacted.</summary>
/// <param name="ErrorCode">The error code when the tool answered with an error, else null.</param>
/// <param name="Result">The tool's result as JSON (a text result as a JSON string), or null when it returned nothing.</param>
public sealed record GovernedToolRun(string? ErrorCode, JsonNode? Result);
