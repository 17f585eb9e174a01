using System.Text.Json;
using System.Text.Json.Nodes;
using GovernedCrm.Crm;
using GovernedCrm.Crm.Schema;
using GovernedCrm.Governance.Approvals;
using GovernedCrm.Governance.Audit;

namespace GovernedCrm.Mcp.Tools;

/// <summary>
/// Executes an approved proposal, once, in the server, with exactly the approved values (the original or the
/// edited ones), as the requester: claims it (Approved → Executing, so two runners never both execute it),
/// writes the PROPOSED entry before touching the CRM, writes with the record version seen at proposal time (a
/// record changed since then makes the proposal stale: nothing is written, a new proposal is needed), then
/// records EXECUTED or FAILED and the result on the proposal. Runs the CRM write tools itself, and any other
/// governed tool through <see cref="GovernedToolInvoker"/> (as the requester, with the approved arguments); a tool
/// that cannot run outside a session is marked failed with that reason.
/// </summary>
/// <param name="crm">The CRM connector.</param>
/// <param name="approvals">The approval service.</param>
/// <param name="trail">The audit trail.</param>
/// <param name="tools">Runs the governed tools other than the CRM write tools; without it they cannot run after approval.</param>
public sealed class ApprovedProposalRunner(ICrmConnector crm, ApprovalService approvals, IAuditTrail trail, GovernedToolInvoker? tools = null)
{
    private const string UpdateRecordTool = "CRM.UpdateRecord";
    private const string CreateContactTool = "CRM.CreateContact";

    /// <summary>Executes the proposal if it is approved and nobody else has claimed it.</summary>
    /// <param name="id">The approval id.</param>
    /// <param name="cancellationToken">Cancels the work before the CRM is touched.</param>
    /// <returns>The proposal as it ends up (Executed, Failed or Stale), or null when it was not this runner's to execute.</returns>
    public async Task<ApprovalRequest?> ExecuteAsync(string id, CancellationToken cancellationToken)
    {
        if (await approvals.TryClaimForExecutionAsync(id, cancellationToken).ConfigureAwait(false) is not { } claimed)
        {
            return null;
        }

        var arguments = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(claimed.EffectiveArgumentsJson) ?? [];
        var properties = arguments.TryGetValue("properties", out var p) && p.ValueKind == JsonValueKind.Object
            ? p.EnumerateObject().ToDictionary(x => x.Name, x => x.Value, StringComparer.Ordinal)
            : new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var proposed = JsonNode.Parse(JsonSerializer.Serialize(properties))!.AsObject();
        try
        {
            await trail.AppendAsync(Record(claimed, AuditEventType.Proposed, AuditActionType.Write, "allowed:approved") with
            {
                Properties = string.Join(",", properties.Keys),
                PreviousValues = claimed.BeforeJson is null ? null : AuditRecords.Json(JsonNode.Parse(claimed.BeforeJson)),
                ProposedValues = AuditRecords.Json(proposed),
            }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (AuditUnavailableException ex)
        {
            // Nothing runs without its audit entry: the proposal fails, the CRM is untouched.
            var failed = new JsonObject { ["code"] = AuditStep.UnavailableCode, ["message"] = ex.Message }.ToJsonString();
            await approvals.CompleteAsync(claimed, ApprovalStatus.Failed, failed, CancellationToken.None).ConfigureAwait(false);
            return claimed with { Status = ApprovalStatus.Failed, ResultJson = failed };
        }

        ApprovalStatus status;
        string result;
        try
        {
            var actor = new CrmActor(claimed.Requester, claimed.Tenant);
            (status, result) = claimed.Tool switch
            {
                UpdateRecordTool => Executed(await crm.UpdateAsync(
                    actor, CrmObjectTypeNames.Parse(claimed.ObjectType), claimed.RecordId!,
                    CrmValueParser.ParseAll(CrmObjectTypeNames.Parse(claimed.ObjectType), properties, crm.RecordIdFormatFor(actor)), claimed.RecordVersion, CancellationToken.None).ConfigureAwait(false), claimed),
                CreateContactTool => Executed(await crm.CreateContactAsync(actor, CrmValueParser.ParseAll(CrmObjectType.Contact, properties, crm.RecordIdFormatFor(actor)), CancellationToken.None).ConfigureAwait(false), claimed),
                _ when tools is not null => Outcome(await InvokeUnchangedAsync(tools, actor, claimed).ConfigureAwait(false), claimed),
                _ => throw new CrmException(GovernedToolInvoker.NotExecutableCode, $"{claimed.Tool} cannot run after approval on this server; call it again once your policy allows it."),
            };
        }
        catch (CrmException ex) when (ex.Code == CrmErrorCodes.Conflict)
        {
            status = ApprovalStatus.Stale;
            result = new JsonObject { ["code"] = "approval.stale", ["message"] = "The record changed after the proposal, so nothing was written. Propose the change again." }.ToJsonString();
        }
        catch (CrmException ex)
        {
            status = ApprovalStatus.Failed;
            result = new JsonObject { ["code"] = ex.Code, ["message"] = ex.Message }.ToJsonString();
        }
        catch (GovernedCrm.Crm.Remote.CrmNotConnectedException ex)
        {
            // Approved changes run as their requester: without the requester's own connection they do not run at all.
            status = ApprovalStatus.Failed;
            result = new JsonObject
            {
                ["code"] = GovernedCrm.Crm.Remote.CrmNotConnectedException.Code,
                ["message"] = $"The requester's {ex.Provider} account is not connected, so nothing was written. They connect it and propose the change again.",
            }.ToJsonString();
        }
        catch (Exception ex) when (claimed.Tool is not (UpdateRecordTool or CreateContactTool))
        {
            // A custom tool's own failure: its type says what kind, its message and stack may hold anything, so neither is kept.
            status = ApprovalStatus.Failed;
            result = new JsonObject
            {
                ["code"] = GovernedToolInvoker.ToolFailedCode,
                ["message"] = $"{claimed.Tool} failed with {ex.GetType().Name}; what it changed before failing, if anything, is the tool's to say.",
            }.ToJsonString();
        }

        await trail.AppendAsync(status == ApprovalStatus.Executed
            ? Record(claimed, AuditEventType.Executed, AuditActionType.Write, "executed") with { Result = result }
            : Record(claimed, AuditEventType.Failed, AuditActionType.Error, status == ApprovalStatus.Stale ? "failed:approval.stale" : "failed") with { Result = result },
            CancellationToken.None).ConfigureAwait(false);
        await approvals.CompleteAsync(claimed, status, result, CancellationToken.None).ConfigureAwait(false);
        return claimed with { Status = status, ResultJson = result };
    }

    /// <summary>
    /// Runs a custom tool only if its record is still at the version the approver saw: the tool does its own
    /// writes, so the version cannot be passed to them as the CRM tools' writes do; it is checked just before the
    /// tool runs instead (a change in between is the tool's own conflict to raise).
    /// </summary>
    private async Task<GovernedToolRun> InvokeUnchangedAsync(GovernedToolInvoker tools, CrmActor actor, ApprovalRequest claimed)
    {
        if (claimed is { RecordVersion: { } approved, RecordId: { } recordId, ObjectType: { } objectType }
            && CrmObjectTypeNames.TryParse(objectType, out var type))
        {
            var current = await crm.GetAsync(actor, type, recordId, CancellationToken.None).ConfigureAwait(false);
            if (current.Version != approved)
            {
                throw new CrmException(CrmErrorCodes.Conflict, $"The record is at version {current.Version}, not the {approved} the approver saw.");
            }
        }

        return await tools.InvokeAsync(claimed, CancellationToken.None).ConfigureAwait(false);
    }

    private static (ApprovalStatus Status, string Result) Executed(CrmWriteResult written, ApprovalRequest request) =>
        (ApprovalStatus.Executed, CrmWriteOutcome.Executed(written, request.ExecutionId).ToJsonString());

    private static (ApprovalStatus Status, string Result) Outcome(GovernedToolRun run, ApprovalRequest request) => run.ErrorCode is { } code
        ? (ApprovalStatus.Failed, new JsonObject { ["code"] = code, ["result"] = run.Result }.ToJsonString())
        : (ApprovalStatus.Executed, new JsonObject { ["outcome"] = "executed", ["executionId"] = request.ExecutionId, ["result"] = run.Result }.ToJsonString());

    private static AuditRecord Record(ApprovalRequest request, AuditEventType eventType, AuditActionType action, string outcome) => new()
    {
        Tenant = request.Tenant,
        Event = eventType,
        Action = action,
        Actor = request.Requester,
        ExecutionId = request.ExecutionId,
        Tool = request.Tool,
        TargetSystem = "crm",
        ObjectType = request.ObjectType,
        RecordId = request.RecordId,
        Reasoning = request.Reason,
        Confidence = request.Confidence,
        Approver = request.DecidedBy,
        PolicyVersion = request.PolicyVersion,
        Rule = request.Rule,
        Outcome = $"{outcome};approval:{request.Id}",
        ArgumentsDigest = request.ArgumentsDigest,
    };
}
