using System.Globalization;
using GovernedCrm.Governance.Identity;

namespace GovernedCrm.Mcp.Tools;

/// <summary>
/// A proposal as CRM.GetProposal and Approvals.ListPending show it to one viewer: redacted for the viewer's own field
/// read rules on the proposal's object type (the viewer is often not the requester), with the tool's [Sensitive]
/// arguments and secret-looking names redacted as well.
/// </summary>
/// <param name="catalog">The governed tools' metadata: which arguments are [Sensitive].</param>
/// <param name="policy">The policy in force: its field read rules.</param>
public sealed class ProposalView(GovernedToolCatalog catalog, IGovernancePolicy policy)
{
    /// <summary>The proposal as <paramref name="viewer"/> may see it.</summary>
    /// <param name="r">The proposal.</param>
    /// <param name="viewer">Who reads it.</param>
    /// <returns>The structured view.</returns>
    public JsonObject Describe(ApprovalRequest r, CallerIdentity viewer)
    {
        ArgumentNullException.ThrowIfNull(r);
        var view = ProposalRedaction.Apply(r, FieldRedaction.UnreadableFields(policy, viewer, r.ObjectType));
        return new JsonObject
        {
            ["approvalId"] = r.Id,
            ["status"] = r.Status.ToString().ToLowerInvariant(),
            ["tool"] = r.Tool,
            ["objectType"] = r.ObjectType,
            ["recordId"] = r.RecordId,
            ["requester"] = r.Requester,
            ["arguments"] = Arguments(r.Tool, view.Arguments),
            ["before"] = view.Before?.DeepClone(),
            ["proposed"] = view.Proposed?.DeepClone(),
            ["approved"] = view.Approved?.DeepClone(),
            ["approvedArguments"] = view.ApprovedArguments is null ? null : Arguments(r.Tool, view.ApprovedArguments),
            ["reason"] = view.Reason,
            ["confidence"] = r.Confidence,
            ["rule"] = r.Rule,
            ["approver"] = r.Route == ApprovalRoute.Role ? $"role:{r.ApproverRole}" : "requester",
            ["approvalReason"] = r.ApprovalReason,
            ["createdAt"] = r.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
            ["expiresAt"] = r.ExpiresAt.ToString("O", CultureInfo.InvariantCulture),
            ["decidedBy"] = r.DecidedBy,
            ["decisionNote"] = view.DecisionNote,
            ["bulkId"] = r.BulkId,
            ["result"] = view.Result?.DeepClone(),
        };
    }

    /// <summary>An executed proposal's result as <paramref name="viewer"/> may see it (for Approvals.Decide's answer).</summary>
    /// <param name="r">The proposal, with its result.</param>
    /// <param name="viewer">Who reads it.</param>
    /// <returns>The redacted result, or null when there is none.</returns>
    public JsonNode? Result(ApprovalRequest r, CallerIdentity viewer)
    {
        ArgumentNullException.ThrowIfNull(r);
        return ProposalRedaction.Apply(r, FieldRedaction.UnreadableFields(policy, viewer, r.ObjectType)).Result;
    }

    /// <summary>
    /// Every argument of the proposed call (a custom tool's, such as CRM.CloseDeal's <c>won</c>, are not under
    /// <c>properties</c>), with the tool's [Sensitive] arguments and secret-looking names redacted.
    /// </summary>
    private JsonNode? Arguments(string tool, JsonNode? arguments) =>
        AuditRedaction.Redact(arguments, catalog.TryGetGoverned(tool, out var descriptor) ? descriptor.SensitiveArguments : null);
}
