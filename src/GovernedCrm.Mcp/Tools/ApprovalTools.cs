using System.ComponentModel;
using GovernedCrm.Mcp.Governance;

namespace GovernedCrm.Mcp.Tools;

/// <summary>
/// The approver's tools (Approvals.ListPending, Approvals.Decide; the policy gives them to approvers) and the
/// requester's view of a proposal (CRM.GetProposal). Decisions go through the approval service (separation of
/// duties, expiry, edit re-checked by the policy, exactly one decision wins); an approved proposal is executed
/// at once by the server, through the same governance pipeline as any call.
/// </summary>
/// <param name="approvals">The approval service.</param>
/// <param name="runner">Runs approved proposals through the governance pipeline.</param>
/// <param name="governed">The governed call (who is calling).</param>
/// <param name="view">How a proposal is shown to its viewer: redacted for the viewer's field read rules and the tool's [Sensitive] arguments.</param>
[McpServerToolType]
public sealed class ApprovalTools(ApprovalService approvals, ApprovedProposalDispatcher runner, GovernedCallAccessor governed, ProposalView view)
{
    /// <summary>Lists the proposals waiting for a decision in the caller's tenant.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The pending proposals.</returns>
    [McpServerTool(Name = "Approvals.ListPending", Title = "List proposals waiting for approval", ReadOnly = true, Idempotent = true, Destructive = false, OpenWorld = false)]
    [GovernedTool(Action = GovernedAction.Read, ObjectType = "approval", TargetSystem = "approvals")]
    [Description("Lists the proposals waiting for approval in your tenant: the tool, the record, the before and proposed values, the requester, the agent's reason and confidence, the rule that asked for approval, and when it expires.")]
    public async Task<CallToolResult> ListPending(CancellationToken cancellationToken = default)
    {
        var caller = governed.Require().Caller;
        await approvals.ExpireDueAsync(cancellationToken).ConfigureAwait(false);
        var pending = await approvals.ListAsync(caller, ApprovalStatus.Pending, 200, cancellationToken).ConfigureAwait(false);
        return GovernanceToolResults.Success(new JsonObject
        {
            ["count"] = pending.Count,
            ["approvals"] = new JsonArray(pending.Select(r => (JsonNode)view.Describe(r, caller)).ToArray()),
        });
    }

    /// <summary>Approves or rejects proposals.</summary>
    /// <param name="approvalIds">One id, or several for one bulk decision.</param>
    /// <param name="decision">approve or reject.</param>
    /// <param name="reason">Why; required to reject.</param>
    /// <param name="editedProperties">For one approval: values to approve instead of the proposed ones.</param>
    /// <param name="mode">For several ids: all or nothing (default), or each on its own.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>Each decision and, for approvals, the execution's outcome.</returns>
    [McpServerTool(Name = "Approvals.Decide", Title = "Approve or reject proposals", ReadOnly = false, Destructive = true, Idempotent = false, OpenWorld = false)]
    [GovernedTool(Action = GovernedAction.Update, ObjectType = "approval", TargetSystem = "approvals")]
    [Description("Approves or rejects one or several proposals (several ids are one bulk decision: all or nothing unless mode is \"each\"). You cannot approve your own proposals. To approve with different values, pass editedProperties (one id only); they are checked by the policy again. An approved proposal is executed at once with exactly the approved values.")]
    public async Task<CallToolResult> Decide(
        [Description("The approval ids, e.g. [\"apr_…\"].")] string[] approvalIds,
        [Description("approve or reject.")] ApprovalVerdict decision,
        [Description("Why; required to reject.")] string? reason = null,
        [Description("Values to approve instead of the proposed ones (one approval id only), e.g. {\"amount\": 45000}.")] IReadOnlyDictionary<string, JsonElement>? editedProperties = null,
        [Description("For several ids: \"all\" (default) decides all of them or, if any is refused, none; \"each\" decides each on its own.")] BulkDecisionMode mode = BulkDecisionMode.All,
        CancellationToken cancellationToken = default)
    {
        var caller = governed.Require().Caller;
        approvalIds = approvalIds.Distinct(StringComparer.Ordinal).ToArray();
        if (approvalIds.Length == 0 || (editedProperties is not null && approvalIds.Length != 1))
        {
            return GovernanceToolResults.Error(ApprovalCodes.InvalidEdit, approvalIds.Length == 0 ? "Name at least one approval id." : "Edited values apply to one approval at a time.");
        }

        var approve = decision == ApprovalVerdict.Approve;
        IReadOnlyList<ApprovalResult> results = approvalIds.Length == 1
            ? [await approvals.DecideAsync(new ApprovalDecision(approvalIds[0], caller, approve, editedProperties is null ? null : JsonSerializer.Serialize(editedProperties), reason, null), cancellationToken).ConfigureAwait(false)]
            : await approvals.DecideManyAsync(
                approvalIds, caller, approve, reason, cancellationToken, mode == BulkDecisionMode.Each ? BulkMode.EachOnItsOwn : BulkMode.AllOrNothing).ConfigureAwait(false);

        // Every decision is taken before any approved proposal runs: a bulk decision is recorded whole first.
        var items = new JsonArray();
        foreach (var (id, result) in approvalIds.Zip(results))
        {
            var item = new JsonObject { ["approvalId"] = id, ["decided"] = result.Succeeded, ["message"] = result.Message };
            if (!result.Succeeded)
            {
                item["code"] = result.Code;
            }
            else if (approve && await runner.ExecuteAsync(id, cancellationToken).ConfigureAwait(false) is { } executed)
            {
                item["status"] = executed.Status.ToString().ToLowerInvariant();
                item["result"] = view.Result(executed, caller);
            }
            else
            {
                item["status"] = result.Request?.Status.ToString().ToLowerInvariant();
            }

            items.Add(item);
        }

        if (results.All(r => r.Succeeded))
        {
            return GovernanceToolResults.Success(new JsonObject { ["decisions"] = items });
        }

        // A refusal answers as an error, and still says what happened to every id (some may have run, in "each" mode).
        var refused = GovernanceToolResults.Error(
            results.First(r => !r.Succeeded && r.Code != ApprovalCodes.BatchRefused).Code ?? ApprovalCodes.NotPending,
            string.Join(" ", results.Where(r => !r.Succeeded && r.Code != ApprovalCodes.BatchRefused).Select(r => r.Message))
                + (results.Any(r => r.Code == ApprovalCodes.BatchRefused) ? " Nothing in this bulk decision was decided." : ""));
        var body = JsonNode.Parse(refused.StructuredContent!.Value.GetRawText())!.AsObject();
        body["decisions"] = items;
        refused.StructuredContent = JsonSerializer.SerializeToElement(body, GovernanceJson.Options);
        return refused;
    }

    /// <summary>Shows a proposal's status and result, for its requester and the approvers of its tenant.</summary>
    /// <param name="approvalId">The approval id from a pending_approval result.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The proposal.</returns>
    [McpServerTool(Name = "CRM.GetProposal", Title = "Look up a proposal", ReadOnly = true, Idempotent = true, Destructive = false, OpenWorld = false)]
    [GovernedTool(Action = GovernedAction.Read, ObjectType = "approval", TargetSystem = "approvals")]
    [Description("Shows where a proposal that needed approval is: pending, approved, rejected, expired, executed (with its result), failed or stale.")]
    public async Task<CallToolResult> GetProposal(
        [Description("The approval id, e.g. \"apr_…\".")] string approvalId,
        CancellationToken cancellationToken = default)
    {
        var caller = governed.Require().Caller;
        await approvals.ExpireDueAsync(cancellationToken).ConfigureAwait(false);
        var request = await approvals.FindAsync(approvalId, caller, cancellationToken).ConfigureAwait(false);
        if (request is null)
        {
            return GovernanceToolResults.Error(ApprovalCodes.NotFound, $"No proposal '{approvalId}' in your tenant.");
        }

        return GovernanceToolResults.Success(view.Describe(request, caller));
    }
}
