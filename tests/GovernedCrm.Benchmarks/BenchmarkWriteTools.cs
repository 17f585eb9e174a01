using System.ComponentModel;
using System.Text.Json;
using GovernedCrm.Crm;
using GovernedCrm.Crm.Schema;
using GovernedCrm.Governance.Tools;
using GovernedCrm.Mcp.Governance;
using GovernedCrm.Mcp.Identity;
using GovernedCrm.Mcp.Tools;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace GovernedCrm.Benchmarks;

/// <summary>
/// The write baseline for the governed-path benchmark: the body of CRM.UpdateRecord, with the same parameters,
/// registered on the same server outside the governance filter (so its only audit is the RECEIVED entry every
/// tools/call gets, or none on the no-audit server).
/// </summary>
/// <remarks>
/// This tool changes customer data without governance, which the real server must never do. It exists only in
/// this benchmark process, against a throwaway demo database, and is never registered by governed-crm.
/// </remarks>
/// <param name="crm">The same connector CRM.UpdateRecord uses.</param>
/// <param name="caller">The local caller (the governed path resolves the same identity).</param>
/// <param name="time">Stamps the execution id, as the governed path does.</param>
[McpServerToolType]
public sealed class BenchmarkWriteTools(ICrmConnector crm, IOptions<LocalCallerOptions> caller, TimeProvider time)
{
    /// <summary>The baseline tool's protocol name.</summary>
    public const string UpdateRecordUngoverned = "Bench.UpdateRecordUngoverned";

    /// <summary>Changes one record exactly as CRM.UpdateRecord does, minus governance.</summary>
    /// <param name="objectType">contact, company or deal.</param>
    /// <param name="recordId">The record's id.</param>
    /// <param name="properties">New values by property name.</param>
    /// <param name="reason">Why (kept for the same arguments; unused).</param>
    /// <param name="confidence">How sure (kept for the same arguments; unused).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The outcome with before and after values.</returns>
    [McpServerTool(Name = UpdateRecordUngoverned, Title = "Update a CRM record (benchmark baseline)", ReadOnly = false, Destructive = true, Idempotent = false, OpenWorld = false)]
    [UngovernedTool("benchmark baseline: the same write as CRM.UpdateRecord without the governance path, so its cost can be measured; exists only in the benchmark process against a throwaway demo database")]
    [Description("Changes one CRM record without governance. Benchmark baseline only.")]
    public async Task<CallToolResult> UpdateRecord(
        [Description("The object type: contact, company or deal.")] CrmObjectType objectType,
        [Description("The record id, e.g. \"3001\".")] string recordId,
        [Description("New values by property name.")] IReadOnlyDictionary<string, JsonElement> properties,
        [Description("Why you are making this change.")] string reason,
        [Description("How confident you are, from 0 to 1.")] double? confidence = null,
        CancellationToken cancellationToken = default)
    {
        _ = reason;
        _ = confidence;
        var local = caller.Value;
        var actor = new CrmActor(local.UserId, local.Tenant);
        var changes = CrmValueParser.ParseAll(objectType, properties, crm.RecordIdFormatFor(actor));
        var result = await crm.UpdateAsync(actor, objectType, recordId, changes, null, cancellationToken).ConfigureAwait(false);
        return GovernanceToolResults.Success(CrmWriteOutcome.Executed(result, Guid.CreateVersion7(time.GetUtcNow()).ToString("N")));
    }
}
