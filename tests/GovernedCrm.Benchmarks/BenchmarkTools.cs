using System.ComponentModel;
using GovernedCrm.Crm;
using GovernedCrm.Crm.Schema;
using GovernedCrm.Governance.Tools;
using GovernedCrm.Mcp.Governance;
using GovernedCrm.Mcp.Identity;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace GovernedCrm.Benchmarks;

/// <summary>
/// The baseline for the governed-path benchmark: the body of CRM.GetRecord, with the same parameters (so the
/// same input schema and argument binding), registered on the same server but outside the governance filter.
/// The only difference between the two calls is therefore the governed path itself.
/// </summary>
/// <remarks>
/// This tool reads customer data without governance, which the real server must never do. It exists only in
/// this benchmark process, against a throwaway demo database, and is never registered by governed-crm.
/// </remarks>
/// <param name="crm">The same connector CRM.GetRecord uses.</param>
/// <param name="caller">
/// The local caller. The governed path resolves the same identity through <see cref="CallerResolver"/>; the
/// baseline reads it directly, since resolving the caller is part of what is being measured.
/// </param>
[McpServerToolType]
public sealed class BenchmarkTools(ICrmConnector crm, IOptions<LocalCallerOptions> caller)
{
    /// <summary>The baseline tool's protocol name.</summary>
    public const string GetRecordUngoverned = "Bench.GetRecordUngoverned";

    /// <summary>Reads one record exactly as CRM.GetRecord does, minus governance.</summary>
    /// <param name="objectType">contact, company or deal.</param>
    /// <param name="recordId">The record's id.</param>
    /// <param name="properties">Only these properties, when given.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The record.</returns>
    [McpServerTool(Name = GetRecordUngoverned, Title = "Read a CRM record (benchmark baseline)", ReadOnly = true, Idempotent = true, Destructive = false, OpenWorld = false)]
    [UngovernedTool("benchmark baseline: the same read as CRM.GetRecord without the governance path, so its cost can be measured; exists only in the benchmark process against a throwaway demo database")]
    [Description("Reads one CRM record by id without governance. Benchmark baseline only.")]
    public async Task<CallToolResult> GetRecord(
        [Description("The object type: contact, company or deal.")] CrmObjectType objectType,
        [Description("The record id, e.g. \"3001\".")] string recordId,
        [Description("Only return these properties (names as in the object's schema). Omit for all.")] string[]? properties = null,
        CancellationToken cancellationToken = default)
    {
        var local = caller.Value;
        var actor = new CrmActor(local.UserId, local.Tenant);
        var schema = CrmSchema.For(objectType);
        foreach (var name in properties ?? [])
        {
            schema.Get(name);
        }

        var record = await crm.GetAsync(actor, objectType, recordId, cancellationToken).ConfigureAwait(false);
        return GovernanceToolResults.Success(CrmValueJson.ToJson(record, properties));
    }
}
