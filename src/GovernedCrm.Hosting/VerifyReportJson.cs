using System.Text.Json.Nodes;
using GovernedCrm.Audit.Verification;

namespace GovernedCrm.Hosting;

/// <summary>An audit verification report as JSON: what <c>governed-crm verify --json</c> prints and Audit.VerifyChain returns.</summary>
internal static class VerifyReportJson
{
    public static JsonObject ToJson(VerifyReport report) => new()
    {
        ["valid"] = report.Valid,
        ["entries"] = report.Entries,
        ["checkpoints"] = report.Checkpoints,
        ["position"] = report.Position,
        ["code"] = report.Code,
        ["chain"] = report.Chain,
        ["detail"] = report.Detail,
        ["elapsedMs"] = (long)report.Elapsed.TotalMilliseconds,
        ["summary"] = report.Summary,
        ["warnings"] = new JsonArray([.. report.Warnings.Select(w => (JsonNode?)JsonValue.Create(w))]),
    };
}
