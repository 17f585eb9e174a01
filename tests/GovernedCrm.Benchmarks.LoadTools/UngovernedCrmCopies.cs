using System.ComponentModel;
using System.Security.Claims;
using System.Text.Json;
using GovernedCrm.Crm;
using GovernedCrm.Crm.Schema;
using GovernedCrm.Governance.Tools;
using GovernedCrm.Mcp.Governance;
using GovernedCrm.Mcp.Identity;
using GovernedCrm.Mcp.Tools;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace GovernedCrm.Benchmarks.LoadTools;

/// <summary>
/// The bodies of CRM.GetRecord and CRM.UpdateRecord with the same parameters (so the same input schema and argument
/// binding), for the same caller (resolved from the bearer token as the governed path resolves it), outside the
/// governance pipeline: what the http-load benchmark's ungoverned phases call.
/// </summary>
/// <remarks>
/// These tools read and change customer data without governance, which a real deployment must never do. They exist
/// only in this assembly, which only the benchmark builds and loads, against a throwaway demo data folder; the server
/// still writes its RECEIVED audit entry for every call, as for any ungoverned tool.
/// </remarks>
/// <param name="crm">The same connector the CRM tools use.</param>
/// <param name="callers">How the server resolves a caller from the request's principal.</param>
/// <param name="time">Stamps the execution id of a write outcome.</param>
[McpServerToolType]
public sealed class UngovernedCrmCopies(ICrmConnector crm, CallerResolver callers, TimeProvider time)
{
    /// <summary>The ungoverned read's protocol name.</summary>
    public const string GetRecordName = "Load.GetRecordUngoverned";

    /// <summary>The ungoverned write's protocol name.</summary>
    public const string UpdateRecordName = "Load.UpdateRecordUngoverned";

    private const string Reason = "http-load benchmark baseline only: the same CRM call as the governed tool without the governance path, so its cost can be measured; built and loaded only by the benchmark, against a throwaway demo data folder";

    /// <summary>Reads one record exactly as CRM.GetRecord does, minus governance.</summary>
    /// <param name="objectType">contact, company or deal.</param>
    /// <param name="recordId">The record's id.</param>
    /// <param name="properties">Only these properties, when given.</param>
    /// <param name="user">The request's principal (from its bearer token).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The record.</returns>
    [McpServerTool(Name = GetRecordName, Title = "Read a CRM record (benchmark baseline)", ReadOnly = true, Idempotent = true, Destructive = false, OpenWorld = false)]
    [UngovernedTool(Reason)]
    [Description("Reads one CRM record by id without governance. Benchmark baseline only.")]
    public async Task<CallToolResult> GetRecord(
        [Description("The object type: contact, company or deal.")] CrmObjectType objectType,
        [Description("The record id, e.g. \"3001\".")] string recordId,
        [Description("Only return these properties (names as in the object's schema). Omit for all.")] string[]? properties = null,
        ClaimsPrincipal? user = null,
        CancellationToken cancellationToken = default)
    {
        var actor = Actor(user);
        var schema = CrmSchema.For(objectType);
        foreach (var name in properties ?? [])
        {
            schema.Get(name);
        }

        var record = await crm.GetAsync(actor, objectType, recordId, cancellationToken).ConfigureAwait(false);
        return GovernanceToolResults.Success(CrmValueJson.ToJson(record, properties));
    }

    /// <summary>Changes properties of one record exactly as CRM.UpdateRecord does, minus governance.</summary>
    /// <param name="objectType">contact, company or deal.</param>
    /// <param name="recordId">The record's id.</param>
    /// <param name="properties">New values by property name.</param>
    /// <param name="reason">Why the change is made (unused without governance, kept for the same schema).</param>
    /// <param name="confidence">How sure the caller is, 0 to 1 (unused, as above).</param>
    /// <param name="user">The request's principal (from its bearer token).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The outcome with before and after values.</returns>
    [McpServerTool(Name = UpdateRecordName, Title = "Update a CRM record (benchmark baseline)", ReadOnly = false, Destructive = true, Idempotent = false, OpenWorld = false)]
    [UngovernedTool(Reason)]
    [Description("Changes properties of one CRM record without governance. Benchmark baseline only.")]
    public async Task<CallToolResult> UpdateRecord(
        [Description("The object type: contact, company or deal.")] CrmObjectType objectType,
        [Description("The record id, e.g. \"3001\".")] string recordId,
        [Description("New values by property name.")] IReadOnlyDictionary<string, JsonElement> properties,
        [Description("Why you are making this change.")] string reason,
        [Description("How confident you are that the change is right, from 0 to 1.")] double? confidence = null,
        ClaimsPrincipal? user = null,
        CancellationToken cancellationToken = default)
    {
        _ = (reason, confidence);
        var actor = Actor(user);
        var changes = CrmValueParser.ParseAll(objectType, properties, crm.RecordIdFormatFor(actor));
        var result = await crm.UpdateAsync(actor, objectType, recordId, changes, expectedVersion: null, cancellationToken).ConfigureAwait(false);
        return GovernanceToolResults.Success(CrmWriteOutcome.Executed(result, Guid.CreateVersion7(time.GetUtcNow()).ToString("N")));
    }

    private CrmActor Actor(ClaimsPrincipal? user)
    {
        var caller = callers.Resolve(user);
        return new CrmActor(caller.UserId, caller.Tenant);
    }
}
