namespace GovernedCrm.Governance.Approvals;

/// <summary>
/// A proposal as one viewer may see it: the values of the properties the viewer may not read on the proposal's
/// object type (<see cref="FieldRedaction.UnreadableFields"/> for the viewer, who need not be the requester) are
/// replaced in the arguments, the before values, the proposed and approved values and the result, and every
/// occurrence of such a value in free text (the agent's reason, the decision note, an error message in the
/// result) is blanked too. Used by CRM.GetProposal, Approvals.ListPending and the approvals CLI.
/// </summary>
public static class ProposalRedaction
{
    /// <summary>Redacts <paramref name="request"/> for a viewer who may not read <paramref name="hidden"/>.</summary>
    /// <param name="request">The proposal.</param>
    /// <param name="hidden">The properties the viewer may not read on <see cref="ApprovalRequest.ObjectType"/>.</param>
    /// <returns>The parts of the proposal that carry values, redacted.</returns>
    public static RedactedProposal Apply(ApprovalRequest request, IReadOnlySet<string> hidden)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(hidden);
        var arguments = StoredJson.Parse(request.ArgumentsJson);
        var before = StoredJson.Parse(request.BeforeJson);
        var approvedArguments = StoredJson.Parse(request.ApprovedArgumentsJson);
        var result = StoredJson.Parse(request.ResultJson);
        if (hidden.Count == 0)
        {
            return new RedactedProposal(arguments, before, approvedArguments, result, request.Reason, request.DecisionNote);
        }

        string[] values = [.. FieldRedaction.HiddenValues(arguments, hidden)
            .Concat(FieldRedaction.HiddenValues(before, hidden))
            .Concat(FieldRedaction.HiddenValues(approvedArguments, hidden))
            .Concat(FieldRedaction.HiddenValues(result, hidden))
            .Distinct(StringComparer.Ordinal)];
        return new RedactedProposal(
            Scrub(FieldRedaction.Redact(arguments, hidden), values),
            Scrub(FieldRedaction.Redact(before, hidden), values),
            Scrub(FieldRedaction.Redact(approvedArguments, hidden), values),
            Scrub(FieldRedaction.Redact(result, hidden), values),
            FieldRedaction.ScrubText(request.Reason, values),
            FieldRedaction.ScrubText(request.DecisionNote, values));
    }

    // Blanks hidden values that appear inside other strings (a message quoting a value, a reason repeating one).
    private static JsonNode? Scrub(JsonNode? node, string[] values) => FieldRedaction.ScrubNode(node, values);

}

/// <summary>The value-carrying parts of a proposal, redacted for one viewer (<see cref="ProposalRedaction.Apply"/>).</summary>
/// <param name="Arguments">The proposed call's arguments.</param>
/// <param name="Before">The record's values before, as read when the proposal was made.</param>
/// <param name="ApprovedArguments">The approved arguments (after an edit), if any.</param>
/// <param name="Result">The execution's result, if any.</param>
/// <param name="Reason">The agent's reason.</param>
/// <param name="DecisionNote">The decider's note.</param>
public sealed record RedactedProposal(JsonNode? Arguments, JsonNode? Before, JsonNode? ApprovedArguments, JsonNode? Result, string? Reason, string? DecisionNote)
{
    /// <summary>The proposed property values (the arguments' <c>properties</c>).</summary>
    public JsonObject? Proposed => Arguments?["properties"] as JsonObject;

    /// <summary>The approved property values (the approved arguments' <c>properties</c>).</summary>
    public JsonObject? Approved => ApprovedArguments?["properties"] as JsonObject;
}
