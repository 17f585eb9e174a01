namespace GovernedCrm.Governance.Approvals;

/// <summary>
/// Compares an approved call about to run with the decision the audit chain holds for it: the chain's APPROVED
/// entry must name the approval, the requester, the tool and the record, the approver the queue names, and the
/// digest of exactly the arguments about to run (edited values included). Anything else means the queue was
/// changed outside the server.
/// </summary>
public static class ApprovalEvidenceCheck
{
    /// <summary>Why the call does not match its evidence, or null when it does.</summary>
    /// <param name="approved">The proposal as the queue holds it.</param>
    /// <param name="entry">The decision entry read from the chain, or null.</param>
    /// <param name="call">The call about to run.</param>
    /// <returns>A sentence for the refusal and the audit entry, or null.</returns>
    public static string? Mismatch(ApprovalRequest approved, ApprovalDecisionEntry? entry, GovernedCall call)
    {
        ArgumentNullException.ThrowIfNull(approved);
        ArgumentNullException.ThrowIfNull(call);
        if (entry is null)
        {
            return "the audit chain holds no decision on it";
        }

        var record = entry.Record;
        var at = $"the chain's entry {entry.Sequence}";
        return !entry.Names(approved.Id) ? $"{at} is about another approval"
            : record.Event != AuditEventType.Approved ? $"{at} records {record.Event.ToString().ToUpperInvariant()}, not an approval"
            : record.Tenant != approved.Tenant || record.Tenant != call.Caller.Tenant ? $"{at} is in another tenant's chain"
            : record.Actor != approved.Requester || record.Actor != call.Caller.UserId ? $"{at} approves a call by {record.Actor}, not by {call.Caller.UserId}"
            : record.Tool != call.Tool.ToolName ? $"{at} approves {record.Tool}, not {call.Tool.ToolName}"
            : record.RecordId != call.RecordId ? $"{at} approves a change of another record"
            : record.Approver != approved.DecidedBy ? $"{at} names {record.Approver} as the approver, the queue names {approved.DecidedBy}"
            : approved.Route == ApprovalRoute.Role && record.Approver == record.Actor ? $"{at} records an approval by the requester"
            : record.ArgumentsDigest != AuditRecords.ArgumentsDigest(call.Arguments) ? $"the arguments about to run are not the ones {at} approved"
            : entry.Timestamp > approved.ExpiresAt ? $"{at} was written after the proposal expired"
            : entry.RunAt is { } run ? $"the chain's entry {run} already records a run of it"
            : null;
    }

    /// <summary>
    /// Why a decided proposal in the queue disagrees with the decision the chain holds for it, or null when it
    /// agrees (or the proposal is not decided: pending and expired proposals are not checked).
    /// </summary>
    /// <param name="row">The proposal as the queue holds it.</param>
    /// <param name="entry">The decision entry read from the chain, or null.</param>
    /// <returns>A sentence for the report, or null.</returns>
    public static string? Disagreement(ApprovalRequest row, ApprovalDecisionEntry? entry)
    {
        ArgumentNullException.ThrowIfNull(row);
        var expected = row.Status switch
        {
            ApprovalStatus.Approved or ApprovalStatus.Executing or ApprovalStatus.Executed or ApprovalStatus.Failed or ApprovalStatus.Stale => AuditEventType.Approved,
            ApprovalStatus.Rejected => AuditEventType.Rejected,
            _ => (AuditEventType?)null,
        };
        if (expected is not { } wanted)
        {
            return null;
        }

        if (entry is null)
        {
            return $"it is {row.Status.ToName()} in the queue, but the chain holds no decision on it";
        }

        var record = entry.Record;
        var at = $"the chain's entry {entry.Sequence}";
        return record.Event != wanted ? $"it is {row.Status.ToName()} in the queue, but {at} records {record.Event.ToString().ToUpperInvariant()}"
            : record.Approver != row.DecidedBy ? $"the queue names {row.DecidedBy} as the decider, {at} names {record.Approver}"
            : record.Actor != row.Requester ? $"the queue names {row.Requester} as the requester, {at} names {record.Actor}"
            : record.Tool != row.Tool ? $"the queue names the tool {row.Tool}, {at} names {record.Tool}"
            : wanted == AuditEventType.Approved && record.ArgumentsDigest != AuditRecords.ArgumentsDigestOfJson(row.EffectiveArgumentsJson)
                ? $"the arguments the queue would run are not the ones {at} approved"
            : null;
    }
}
