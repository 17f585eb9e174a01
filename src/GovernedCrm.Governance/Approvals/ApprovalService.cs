namespace GovernedCrm.Governance.Approvals;

/// <summary>
/// The approval queue's rules: who may decide which proposal, expiry, edits re-checked against the policy, and an
/// audit entry for every transition. Transitions are compare-and-set on the store, so of two deciders (threads or
/// processes) exactly one wins.
/// </summary>
/// <remarks>
/// A decision is checked in this order; the first failing check refuses it with its code (<see cref="ApprovalCodes"/>):
/// the proposal exists in the decider's tenant (<c>not_found</c>, never revealing other tenants' proposals); it is
/// pending (<c>not_pending</c>); it has not expired (<c>expired</c>: it is moved to Expired and audited); on a role
/// route the decider is not the requester (<c>self_approval</c>) and holds the role (<c>not_approver</c>); on a
/// requester route the decider is the requester (<c>not_requester</c>); a rejection has a reason
/// (<c>reason_required</c>); an edit is an object of properties (<c>invalid_edit</c>) that the policy allows the
/// requester to write (<c>edit_denied</c>); and the decision wins the race (<c>already_decided</c>).
/// The audit entry of a transition is written after the transition wins; if it cannot be written, the transition
/// is undone (when nothing acted on it yet) and <see cref="AuditUnavailableException"/> propagates.
/// </remarks>
public sealed class ApprovalService : IApprovalInbox
{
    private readonly IApprovalStore _store;
    private readonly IAuditTrail _audit;
    private readonly TimeProvider _time;
    private readonly IApprovalEditCheck? _editCheck;

    /// <summary>Creates the service.</summary>
    /// <param name="store">The persisted queue.</param>
    /// <param name="audit">The audit trail.</param>
    /// <param name="time">The clock (expiry, decision and completion times).</param>
    /// <param name="editCheck">Re-checks edited values against the policy; without it every edit is refused.</param>
    public ApprovalService(IApprovalStore store, IAuditTrail audit, TimeProvider time, IApprovalEditCheck? editCheck = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(time);
        _store = store;
        _audit = audit;
        _time = time;
        _editCheck = editCheck;
    }

    /// <summary>
    /// Queues a new pending proposal. Its ApprovalRequested entry is written first (write-ahead): a proposal nobody
    /// could trace is never decidable.
    /// </summary>
    /// <param name="pending">The proposal, with status Pending and no decision.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The stored proposal.</returns>
    /// <exception cref="AuditUnavailableException">The audit entry could not be written; nothing was queued.</exception>
    public async Task<ApprovalRequest> SubmitAsync(ApprovalRequest pending, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pending);
        if (pending.Status != ApprovalStatus.Pending || pending.DecidedBy is not null || pending.DecidedAt is not null || pending.ApprovedArgumentsJson is not null)
        {
            throw new ArgumentException("A new proposal must be pending and undecided.", nameof(pending));
        }

        await _audit.AppendAsync(ApprovalAuditRecords.Requested(pending), cancellationToken).ConfigureAwait(false);
        await _store.CreateAsync(pending, cancellationToken).ConfigureAwait(false);
        return pending;
    }

    /// <summary>One proposal, if the viewer's tenant owns it.</summary>
    /// <param name="id">The approval id.</param>
    /// <param name="viewer">Who asks.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The proposal, or null (also for another tenant's proposal).</returns>
    public async Task<ApprovalRequest?> FindAsync(string id, CallerIdentity viewer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        var request = await _store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        return request is not null && string.Equals(request.Tenant, viewer.Tenant, StringComparison.Ordinal) ? request : null;
    }

    /// <summary>The viewer's tenant's proposals, newest first.</summary>
    /// <param name="viewer">Who asks.</param>
    /// <param name="status">Only this status; null for all.</param>
    /// <param name="limit">At most this many.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The proposals.</returns>
    public Task<IReadOnlyList<ApprovalRequest>> ListAsync(CallerIdentity viewer, ApprovalStatus? status, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        return _store.ListAsync(viewer.Tenant, status, limit, cancellationToken);
    }

    /// <summary>Approves, edits-then-approves, or rejects one proposal, in the order of checks documented on this class.</summary>
    /// <param name="decision">The decision.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>Done, or refused with a code.</returns>
    /// <exception cref="AuditUnavailableException">The decision's audit entry could not be written; the decision was undone.</exception>
    public async Task<ApprovalResult> DecideAsync(ApprovalDecision decision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var checkedDecision = await CheckAsync(decision, cancellationToken).ConfigureAwait(false);
        if (checkedDecision.Refusal is { } refusal)
        {
            return refusal;
        }

        if (!await _store.TryTransitionAsync(ApprovalStatus.Pending, checkedDecision.Decided!, cancellationToken).ConfigureAwait(false))
        {
            return await RefuseLostRaceAsync(checkedDecision.Request!, cancellationToken).ConfigureAwait(false);
        }

        return await RecordAsync(checkedDecision, decision).ConfigureAwait(false);
    }

    /// <summary>
    /// Decides several proposals as one bulk decision (one bulk id for all). By default all or nothing: every
    /// proposal is checked first, and if any is refused none is decided (the others answer
    /// <see cref="ApprovalCodes.BatchRefused"/>); a decision that loses a race undoes the batch's other decisions.
    /// With <paramref name="mode"/> <see cref="BulkMode.EachOnItsOwn"/>, each proposal is decided on its own and
    /// one refusal does not stop the others. Either way there is one result per distinct id, in order.
    /// </summary>
    /// <param name="ids">The approval ids (repeats are decided once).</param>
    /// <param name="approver">Who decides.</param>
    /// <param name="approve">True to approve, false to reject.</param>
    /// <param name="note">The note (required to reject).</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <param name="mode">All or nothing (the default), or each on its own.</param>
    /// <param name="onBehalfOf">Who carried the decisions (<see cref="ApprovalDecision.OnBehalfOf"/>), or null.</param>
    /// <returns>One result per distinct id, in order.</returns>
    /// <exception cref="AuditUnavailableException">A decision's audit entry could not be written; the batch's decisions were undone.</exception>
    public async Task<IReadOnlyList<ApprovalResult>> DecideManyAsync(
        IReadOnlyList<string> ids, CallerIdentity approver, bool approve, string? note, CancellationToken cancellationToken, BulkMode mode = BulkMode.AllOrNothing, string? onBehalfOf = null)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(approver);
        var bulkId = ApprovalIds.NewBulk();
        var decisions = ids.Distinct(StringComparer.Ordinal).Select(id => new ApprovalDecision(id, approver, approve, null, note, bulkId) { OnBehalfOf = onBehalfOf }).ToList();
        if (mode == BulkMode.EachOnItsOwn)
        {
            var each = new List<ApprovalResult>(decisions.Count);
            foreach (var decision in decisions)
            {
                each.Add(await DecideAsync(decision, cancellationToken).ConfigureAwait(false));
            }

            return each;
        }

        var checks = new List<CheckedDecision>(decisions.Count);
        foreach (var decision in decisions)
        {
            checks.Add(await CheckAsync(decision, cancellationToken).ConfigureAwait(false));
        }

        if (checks.FirstOrDefault(c => c.Refusal is not null) is { } first)
        {
            return RefuseBatch(checks, first.Refusal!);
        }

        var won = new List<CheckedDecision>(checks.Count);
        foreach (var check in checks)
        {
            if (!await _store.TryTransitionAsync(ApprovalStatus.Pending, check.Decided!, cancellationToken).ConfigureAwait(false))
            {
                await UndoAsync(won).ConfigureAwait(false);
                var lost = await RefuseLostRaceAsync(check.Request!, cancellationToken).ConfigureAwait(false);
                return RefuseBatch(checks.Select(c => c == check ? c with { Refusal = lost } : c).ToList(), lost);
            }

            won.Add(check);
        }

        var results = new List<ApprovalResult>(won.Count);
        for (var i = 0; i < won.Count; i++)
        {
            try
            {
                results.Add(await RecordAsync(won[i], decisions[i]).ConfigureAwait(false));
            }
            catch (AuditUnavailableException)
            {
                // This decision was undone already; undo the rest, so that the batch stays all or nothing.
                await UndoAsync(won.Where((_, j) => j != i).ToList()).ConfigureAwait(false);
                throw;
            }
        }

        return results;
    }

    private async Task<CheckedDecision> CheckAsync(ApprovalDecision decision, CancellationToken cancellationToken)
    {
        var approver = decision.Approver;
        var request = await FindAsync(decision.Id, approver, cancellationToken).ConfigureAwait(false);
        if (request is null)
        {
            return CheckedDecision.Refused(ApprovalResult.Refused(ApprovalCodes.NotFound, $"There is no approval '{Shorten(decision.Id)}' in your tenant.", null));
        }

        var id = request.Id;
        if (request.Status != ApprovalStatus.Pending)
        {
            return CheckedDecision.Refused(ApprovalResult.Refused(ApprovalCodes.NotPending, $"The approval {id} is {request.Status.ToName()}, not pending.", request));
        }

        var now = _time.GetUtcNow();
        if (now >= request.ExpiresAt)
        {
            return CheckedDecision.Refused(await RefuseExpiredAsync(request, now, cancellationToken).ConfigureAwait(false));
        }

        if (CheckDecider(request, approver) is { } refusal)
        {
            return CheckedDecision.Refused(refusal);
        }

        var note = string.IsNullOrWhiteSpace(decision.Note) ? null : decision.Note.Trim();
        if (!decision.Approve && note is null)
        {
            return CheckedDecision.Refused(ApprovalResult.Refused(ApprovalCodes.ReasonRequired, $"Rejecting {id} needs a reason.", request));
        }

        string? approvedArguments = null;
        if (decision.EditedPropertiesJson is { } edit)
        {
            if (!decision.Approve)
            {
                return CheckedDecision.Refused(ApprovalResult.Refused(ApprovalCodes.InvalidEdit, $"An edit applies to an approval, not to a rejection of {id}.", request));
            }

            if (!ApprovalEdits.TryMerge(request.ArgumentsJson, edit, out var merged, out var changed, out var error))
            {
                return CheckedDecision.Refused(ApprovalResult.Refused(ApprovalCodes.InvalidEdit, $"{error} ({id})", request));
            }

            if (changed)
            {
                if (await CheckEditAsync(request, merged, cancellationToken).ConfigureAwait(false) is { } denied)
                {
                    return CheckedDecision.Refused(denied);
                }

                approvedArguments = merged;
            }
        }

        var decided = request with
        {
            Status = decision.Approve ? ApprovalStatus.Approved : ApprovalStatus.Rejected,
            DecidedBy = approver.UserId,
            DecidedAt = now,
            DecisionNote = note,
            ApprovedArgumentsJson = approvedArguments,
            BulkId = decision.BulkId,
        };
        return new CheckedDecision(null, request, decided);
    }

    // The decision won its transition: its entry goes into the chain, and the entry's position into the queue (a
    // hint for finding the evidence; if that second write fails, the evidence is found by its approval id).
    private async Task<ApprovalResult> RecordAsync(CheckedDecision won, ApprovalDecision decision)
    {
        var decided = won.Decided!;
        var edited = decided.ApprovedArgumentsJson is not null;
        var record = (decision.Approve
            ? ApprovalAuditRecords.Approved(decided, edited, decision.BulkId)
            : ApprovalAuditRecords.Rejected(decided, decision.BulkId)) with { OnBehalfOf = decision.OnBehalfOf };
        var receipt = await AuditTransitionAsync(decided, won.Request!, record).ConfigureAwait(false);
        var located = decided with { DecisionSequence = receipt.Sequence };
        if (await _store.TryTransitionAsync(decided.Status, located, CancellationToken.None).ConfigureAwait(false))
        {
            decided = located;
        }

        var what = decision.Approve ? (edited ? "Approved with edits" : "Approved") : "Rejected";
        return ApprovalResult.Done(decided, $"{what}: {decided.Id}.");
    }

    private async Task UndoAsync(IReadOnlyList<CheckedDecision> decisions)
    {
        foreach (var decision in decisions)
        {
            await _store.TryTransitionAsync(decision.Decided!.Status, decision.Request!, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static List<ApprovalResult> RefuseBatch(IReadOnlyList<CheckedDecision> checks, ApprovalResult cause)
    {
        var why = $"Not decided: the bulk decision was refused as a whole, since {cause.Request?.Id ?? "one of its approvals"} was refused ({cause.Code}). Nothing in it was decided.";
        return checks.Select(c => c.Refusal ?? ApprovalResult.Refused(ApprovalCodes.BatchRefused, why, c.Request)).ToList();
    }

    private sealed record CheckedDecision(ApprovalResult? Refusal, ApprovalRequest? Request, ApprovalRequest? Decided)
    {
        public static CheckedDecision Refused(ApprovalResult refusal) => new(refusal, refusal.Request, null);
    }

    /// <summary>Moves every pending proposal (of every tenant) whose expiry has come to Expired, each with an audit entry.</summary>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>How many this call expired.</returns>
    public async Task<int> ExpireDueAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var pending = await _store.ListAsync(null, ApprovalStatus.Pending, int.MaxValue, cancellationToken).ConfigureAwait(false);
        var expired = 0;
        foreach (var request in pending.Where(r => now >= r.ExpiresAt))
        {
            if (await TryExpireAsync(request, now, cancellationToken).ConfigureAwait(false) is not null)
            {
                expired++;
            }
        }

        return expired;
    }

    /// <summary>Claims an approved proposal for execution (Approved → Executing): exactly one claimer wins.</summary>
    /// <param name="id">The approval id.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The claimed proposal, or null when it is not (or no longer) approved.</returns>
    public async Task<ApprovalRequest?> TryClaimForExecutionAsync(string id, CancellationToken cancellationToken)
    {
        var request = await _store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (request is not { Status: ApprovalStatus.Approved })
        {
            return null;
        }

        var claimed = request with { Status = ApprovalStatus.Executing };
        return await _store.TryTransitionAsync(ApprovalStatus.Approved, claimed, cancellationToken).ConfigureAwait(false) ? claimed : null;
    }

    /// <summary>Records how execution of a claimed proposal ended (Executing → Executed, Failed or Stale).</summary>
    /// <param name="claimed">The proposal returned by <see cref="TryClaimForExecutionAsync"/>.</param>
    /// <param name="outcome">Executed, Failed or Stale.</param>
    /// <param name="resultJson">The execution's result summary (JSON), if any.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="outcome"/> is not an end of execution.</exception>
    /// <exception cref="InvalidOperationException">The proposal is not executing (it was not claimed, or completed already).</exception>
    public async Task CompleteAsync(ApprovalRequest claimed, ApprovalStatus outcome, string? resultJson, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claimed);
        if (outcome is not (ApprovalStatus.Executed or ApprovalStatus.Failed or ApprovalStatus.Stale))
        {
            throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Execution ends as executed, failed or stale.");
        }

        var completed = claimed with { Status = outcome, ResultJson = resultJson, CompletedAt = _time.GetUtcNow() };
        if (!await _store.TryTransitionAsync(ApprovalStatus.Executing, completed, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"The approval {claimed.Id} is not executing; it cannot be completed.");
        }
    }

    private static ApprovalResult? CheckDecider(ApprovalRequest request, CallerIdentity approver)
    {
        var id = request.Id;
        var isRequester = string.Equals(approver.UserId, request.Requester, StringComparison.Ordinal);
        if (request.Route == ApprovalRoute.Role)
        {
            if (isRequester)
            {
                return ApprovalResult.Refused(ApprovalCodes.SelfApproval, $"You proposed {id}: another approver with the role '{request.ApproverRole}' must decide it.", request);
            }

            if (request.ApproverRole is null || !approver.Roles.Contains(request.ApproverRole, StringComparer.Ordinal))
            {
                return ApprovalResult.Refused(ApprovalCodes.NotApprover, $"Deciding {id} needs the role '{request.ApproverRole}', which you do not hold.", request);
            }

            return null;
        }

        return isRequester
            ? null
            : ApprovalResult.Refused(ApprovalCodes.NotRequester, $"Only the requester ({request.Requester}) may confirm or decline {id}.", request);
    }

    private async Task<ApprovalResult?> CheckEditAsync(ApprovalRequest request, string mergedArgumentsJson, CancellationToken cancellationToken)
    {
        if (_editCheck is null)
        {
            return ApprovalResult.Refused(ApprovalCodes.EditDenied, $"Edits cannot be checked against the policy here; approve {request.Id} as proposed or reject it.", request);
        }

        var decision = await _editCheck.CheckAsync(request, mergedArgumentsJson, cancellationToken).ConfigureAwait(false);
        return decision is PolicyDecision.Deny deny
            ? ApprovalResult.Refused(ApprovalCodes.EditDenied, $"The edited values of {request.Id} are denied by the policy ({deny.Code}, rule {deny.Rule}): {deny.Message}", request)
            : null;
    }

    private async Task<ApprovalResult> RefuseExpiredAsync(ApprovalRequest request, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var expired = await TryExpireAsync(request, now, cancellationToken).ConfigureAwait(false);
        if (expired is null)
        {
            var current = await _store.GetAsync(request.Id, cancellationToken).ConfigureAwait(false);
            if (current is not { Status: ApprovalStatus.Expired })
            {
                return await RefuseLostRaceAsync(request, cancellationToken).ConfigureAwait(false);
            }

            expired = current;
        }

        return ApprovalResult.Refused(ApprovalCodes.Expired,
            $"The approval {request.Id} expired at {request.ExpiresAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)} and counts as denied.", expired);
    }

    private async Task<ApprovalRequest?> TryExpireAsync(ApprovalRequest request, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var expired = request with { Status = ApprovalStatus.Expired, DecidedAt = now };
        if (!await _store.TryTransitionAsync(ApprovalStatus.Pending, expired, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        await AuditTransitionAsync(expired, request, ApprovalAuditRecords.Expired(expired)).ConfigureAwait(false);
        return expired;
    }

    private async Task<ApprovalResult> RefuseLostRaceAsync(ApprovalRequest seen, CancellationToken cancellationToken)
    {
        var current = await _store.GetAsync(seen.Id, cancellationToken).ConfigureAwait(false);
        var now = current is null ? "gone" : "now " + current.Status.ToName();
        return ApprovalResult.Refused(ApprovalCodes.AlreadyDecided, $"The approval {seen.Id} was decided by someone else meanwhile ({now}).", current);
    }

    // The entry follows the transition that won; if it cannot be written, the transition is undone so that
    // nothing acts on a decision the audit trail does not hold.
    private async Task<AuditReceipt> AuditTransitionAsync(ApprovalRequest won, ApprovalRequest before, AuditRecord record)
    {
        try
        {
            // Not cancellable: once the transition won, its entry must be attempted whatever the caller does.
            return await _audit.AppendAsync(record, CancellationToken.None).ConfigureAwait(false);
        }
        catch (AuditUnavailableException ex)
        {
            var undone = await _store.TryTransitionAsync(won.Status, before, CancellationToken.None).ConfigureAwait(false);
            throw new AuditUnavailableException(
                undone
                    ? $"{ex.Message} The {won.Status.ToName()} decision on {won.Id} was undone; it is {before.Status.ToName()} again."
                    : $"{ex.Message} The {won.Status.ToName()} decision on {won.Id} could not be undone (it was acted on meanwhile).",
                ex);
        }
    }

    private static string Shorten(string id) => id.Length <= 64 ? id : id[..64] + "…";
}
