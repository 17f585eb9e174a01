namespace GovernedCrm.Governance.Approvals;

/// <summary>
/// The audit entries of a proposal's life. Every entry carries the proposing call's execution id and the requester
/// as actor (the call runs for them); the decider is <see cref="AuditRecord.Approver"/>.
/// </summary>
internal static class ApprovalAuditRecords
{
    public static AuditRecord Requested(ApprovalRequest request) =>
        For(request, AuditEventType.ApprovalRequested, AuditActionType.Write, "pending_approval:" + request.Id) with
        {
            Approver = request.Route == ApprovalRoute.Role ? "role:" + request.ApproverRole : "requester",
        };

    public static AuditRecord Approved(ApprovalRequest decided, bool edited, string? bulkId)
    {
        var result = new JsonObject();
        if (edited)
        {
            result["approvedValues"] = Redact(ApprovalEdits.Properties(decided.EffectiveArgumentsJson));
            result["edited"] = true;
            result["editedBy"] = decided.DecidedBy;
        }

        if (decided.DecisionNote is { } note)
        {
            result["note"] = note;
        }

        return For(decided, AuditEventType.Approved, AuditActionType.Approve, (edited ? "approved:edited" : "approved") + Scope(bulkId) + Tag(decided)) with
        {
            Approver = decided.DecidedBy,
            Result = result.Count == 0 ? null : result.ToJsonString(),
            ArgumentsDigest = edited ? AuditRecords.ArgumentsDigestOfJson(decided.EffectiveArgumentsJson) ?? decided.ArgumentsDigest : decided.ArgumentsDigest,
        };
    }

    public static AuditRecord Rejected(ApprovalRequest decided, string? bulkId) =>
        For(decided, AuditEventType.Rejected, AuditActionType.Reject, "rejected" + Scope(bulkId) + Tag(decided)) with
        {
            Approver = decided.DecidedBy,
            Result = new JsonObject { ["reason"] = decided.DecisionNote }.ToJsonString(),
        };

    public static AuditRecord Expired(ApprovalRequest expired) =>
        For(expired, AuditEventType.Expired, AuditActionType.Deny, "expired" + Tag(expired)) with
        {
            Result = new JsonObject { ["expiresAt"] = expired.ExpiresAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture) }.ToJsonString(),
        };

    private static AuditRecord For(ApprovalRequest request, AuditEventType eventType, AuditActionType action, string outcome)
    {
        var proposed = ApprovalEdits.Properties(request.ArgumentsJson);
        return new AuditRecord
        {
            Tenant = request.Tenant,
            Event = eventType,
            Action = action,
            Actor = request.Requester,
            ExecutionId = request.ExecutionId,
            Tool = request.Tool,
            ObjectType = request.ObjectType,
            RecordId = request.RecordId,
            Properties = proposed is null ? null : string.Join(",", proposed.Select(p => p.Key)),
            PreviousValues = request.BeforeJson is null ? null : Redact(StoredJson.Parse(request.BeforeJson))?.ToJsonString(),
            ProposedValues = proposed is null ? null : Redact(proposed)?.ToJsonString(),
            Reasoning = request.Reason,
            Confidence = request.Confidence,
            PolicyVersion = request.PolicyVersion,
            Rule = request.Rule,
            Outcome = outcome,
            ArgumentsDigest = request.ArgumentsDigest,
        };
    }

    private static string Scope(string? bulkId) => bulkId is null ? ";single" : ";bulk:" + bulkId;

    // Names the approval, so its decision can be found in the chain and never mistaken for another's.
    private static string Tag(ApprovalRequest request) => ApprovalDecisionEntry.ApprovalTag + request.Id;

    private static JsonNode? Redact(JsonNode? node) => AuditRedaction.Redact(node);
}
