using GovernedCrm.Governance.Approvals;
using GovernedCrm.Governance.Steps.Audit;
using GovernedCrm.Governance.Steps.WriteAheadAudit;

namespace GovernedCrm.Governance.Steps.Approval;

/// <summary>
/// The approval step, after the policy step: a call the policy allowed runs on; a call that needs approval either
/// gets the requester's confirmation in their own session (when the route is the requester and the client can be
/// asked: accept, edit then accept, decline), or goes to the approval queue, and the call returns the approval id
/// without changing anything. Edited values go through the policy again; an edit the policy denies is refused.
/// Every step is audited: APPROVAL_REQUESTED, APPROVED (with the edited values and who edited), REJECTED.
/// </summary>
/// <param name="policy">Re-decides edited values.</param>
/// <param name="queue">The approval queue.</param>
/// <param name="trail">The audit trail.</param>
/// <param name="time">Stamps proposals and expiry.</param>
/// <param name="settings">Expiry and confirmation timeout.</param>
/// <param name="proposals">Reads before and proposed values, for the confirmation and the queue.</param>
/// <param name="evidence">Reads decisions from the audit chain, for approved calls; without it no approved call runs.</param>
/// <remarks>
/// An approved proposal runs through this same step, as a call of its requester that carries the proposal
/// (<see cref="GovernedCall.Approval"/>). The step does not trust the queue: the proposal must be claimed for
/// execution (single use), the chain must hold its APPROVED entry with the digest of exactly the arguments about to
/// run (<see cref="ApprovalEvidenceCheck"/>), the policy (re-evaluated by the policy step on the record as it is
/// now) must not deny it, and the record must still be at the version the approver saw.
/// </remarks>
public sealed class ApprovalStep(
    IGovernancePolicy policy, IApprovalInbox queue, IAuditTrail trail, TimeProvider time, ApprovalOptions settings, IProposalReader? proposals = null,
    IApprovalEvidence? evidence = null) : GovernanceStep(StepName)
{
    /// <summary>The requester declined the change.</summary>
    public const string DeclinedCode = "approval.declined";

    /// <summary>The requester's edit is denied by the policy.</summary>
    public const string EditDeniedCode = "approval.edit_denied";

    /// <summary>The call waits in the approval queue (not an error: nothing ran yet).</summary>
    public const string PendingCode = "approval.pending";

    /// <summary>The step's name in <see cref="Pipeline.DefaultGovernancePipeline.StepOrder"/>.</summary>
    public const string StepName = "approval";

    /// <inheritdoc />
    protected override async ValueTask<GovernanceOutcome<TResult>> RunAsync<TResult>(GovernedCall call, GovernanceNext<TResult> next, CancellationToken cancellationToken)
    {
        if (call.Approval is { } approved)
        {
            return await RunApprovedAsync(call, approved, next, cancellationToken).ConfigureAwait(false);
        }

        if (call.Decision is not PolicyDecision.RequireApproval approval)
        {
            return await next(call, cancellationToken).ConfigureAwait(false);
        }

        var proposal = proposals is null ? null : await proposals.ReadAsync(call, cancellationToken).ConfigureAwait(false);
        var queueNote = "nobody could be asked in this session";
        try
        {
            if (approval.Route == ApprovalRoute.Requester && call.Confirmation is { } confirmation)
            {
                if (!confirmation.CarriesAnswer)
                {
                    await EnqueueAsync(call, Record(call, approval, AuditEventType.ApprovalRequested, AuditActionType.Write, "confirmation_requested", proposal)).ConfigureAwait(false);
                }

                var answer = await AskAsync(confirmation, new ConfirmationRequest(call, approval, proposal), cancellationToken).ConfigureAwait(false);
                switch (answer)
                {
                    case ConfirmationAnswer.Accepted accepted:
                        return await ConfirmedAsync(call, approval, proposal, accepted.EditedProperties, next, cancellationToken).ConfigureAwait(false);
                    case ConfirmationAnswer.Declined:
                        await EnqueueAsync(call, Record(call, approval, AuditEventType.Rejected, AuditActionType.Reject, "rejected:declined;single", proposal) with { Approver = call.Caller.UserId }).ConfigureAwait(false);
                        return GovernanceOutcome<TResult>.Refused(new GovernanceRefusal(
                            DeclinedCode, "You declined the change, so nothing was changed.", approval.Rule));
                    case ConfirmationAnswer.Refused refused:
                        await EnqueueAsync(call, Record(call, approval, AuditEventType.Rejected, AuditActionType.Deny, $"refused:{refused.Code}", proposal)).ConfigureAwait(false);
                        return GovernanceOutcome<TResult>.Refused(new GovernanceRefusal(refused.Code, refused.Message, approval.Rule));
                    case ConfirmationAnswer.Unavailable unavailable:
                        queueNote = unavailable.Why;
                        break;
                }
            }

            return await QueueAsync<TResult>(call, approval, proposal, queueNote, cancellationToken).ConfigureAwait(false);
        }
        catch (AuditUnavailableException ex)
        {
            return GovernanceOutcome<TResult>.Refused(new GovernanceRefusal(
                AuditStep.UnavailableCode, $"{ex.Message} The call was not carried out: nothing runs without its audit entry."));
        }
    }

    private async ValueTask<GovernanceOutcome<TResult>> RunApprovedAsync<TResult>(
        GovernedCall call, ApprovalRequest approved, GovernanceNext<TResult> next, CancellationToken cancellationToken)
    {
        if (approved.Status != ApprovalStatus.Executing)
        {
            return GovernanceOutcome<TResult>.Refused(new GovernanceRefusal(
                ApprovalCodes.NotPending, $"The approval {approved.Id} is {approved.Status.ToName()}, not claimed for execution, so nothing ran.", approved.Rule));
        }

        var entry = evidence is null ? null : await evidence.FindDecisionAsync(approved, cancellationToken).ConfigureAwait(false);
        if (ApprovalEvidenceCheck.Mismatch(approved, entry, call) is { } why)
        {
            return GovernanceOutcome<TResult>.Refused(new GovernanceRefusal(
                ApprovalCodes.EvidenceMismatch,
                $"The approval {approved.Id} does not match the audit chain ({why}): the approval queue was changed outside the server, so nothing ran.",
                approved.Rule));
        }

        if (approved.RecordVersion is { } version)
        {
            if (call.Current is not { Version: { } current } || current != version)
            {
                return GovernanceOutcome<TResult>.Refused(new GovernanceRefusal(
                    ApprovalCodes.Stale, "The record changed after the proposal, so nothing was written. Propose the change again.", approved.Rule));
            }

            call.ExpectedRecordVersion = version;
        }

        return await next(call, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<ConfirmationAnswer> AskAsync(IRequesterConfirmation confirmation, ConfirmationRequest request, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.ConfirmationTimeout);
        try
        {
            return await confirmation.AskAsync(request, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ConfirmationAnswer.Unavailable("the confirmation was not answered in time");
        }
    }

    private async ValueTask<GovernanceOutcome<TResult>> ConfirmedAsync<TResult>(
        GovernedCall call, PolicyDecision.RequireApproval approval, Proposal? proposal, JsonObject? edited, GovernanceNext<TResult> next, CancellationToken cancellationToken)
    {
        string? approvedValues = null;
        if (edited is { Count: > 0 } && Merge(call, edited) is { } merged)
        {
            var original = call.Arguments;
            call.Arguments = merged;
            var decision = policy.Evaluate(call);
            if (decision is PolicyDecision.Deny deny)
            {
                call.Arguments = original;
                await EnqueueAsync(call, Record(call, approval, AuditEventType.Rejected, AuditActionType.Reject, $"rejected:edit_denied:{deny.Code};single", proposal) with
                {
                    Approver = call.Caller.UserId,
                    Result = new JsonObject { ["editedValues"] = edited.DeepClone(), ["code"] = deny.Code }.ToJsonString(),
                }).ConfigureAwait(false);
                return GovernanceOutcome<TResult>.Refused(new GovernanceRefusal(
                    EditDeniedCode, $"Your edited values are not allowed ({deny.Code}: {deny.Message}), so nothing was changed.", deny.Rule));
            }

            approvedValues = AuditRecords.Json(edited);
        }

        await EnqueueAsync(call, Record(call, approval, AuditEventType.Approved, AuditActionType.Approve, approvedValues is null ? "approved;single" : "approved:edited;single", proposal) with
        {
            Approver = call.Caller.UserId,
            Result = approvedValues is null ? null : new JsonObject { ["approvedValues"] = JsonNode.Parse(approvedValues), ["edited"] = true, ["editedBy"] = call.Caller.UserId }.ToJsonString(),
        }).ConfigureAwait(false);
        return await next(call, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<GovernanceOutcome<TResult>> QueueAsync<TResult>(
        GovernedCall call, PolicyDecision.RequireApproval approval, Proposal? proposal, string note, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var request = new ApprovalRequest
        {
            Id = ApprovalIds.New(),
            Tenant = call.Caller.Tenant,
            Requester = call.Caller.UserId,
            RequesterRoles = string.Join(' ', call.Caller.Roles),
            RequesterSource = call.Caller.Source,
            Tool = call.Tool.ToolName,
            ObjectType = call.ObjectType,
            RecordId = call.RecordId,
            ArgumentsJson = JsonSerializer.Serialize(call.Arguments),
            ArgumentsDigest = AuditRecords.ArgumentsDigest(call.Arguments),
            BeforeJson = proposal?.Before?.ToJsonString(),
            RecordVersion = RecordVersionOf(call, proposal),
            Reason = call.Arguments.TryGetValue(AuditRecords.ReasonArgument, out var reason) && reason.ValueKind == JsonValueKind.String ? reason.GetString() : null,
            Confidence = call.Arguments.TryGetValue(AuditRecords.ConfidenceArgument, out var confidence) && confidence.ValueKind == JsonValueKind.Number ? confidence.GetDouble() : null,
            Rule = approval.Rule,
            Route = approval.Route,
            ApproverRole = approval.ApproverRole,
            ApprovalReason = approval.Reason,
            PolicyVersion = approval.PolicyVersion,
            ExecutionId = call.ExecutionId,
            CreatedAt = now,
            ExpiresAt = now + settings.Expiry,
        };
        await queue.SubmitAsync(request, cancellationToken).ConfigureAwait(false);
        var latest = await WaitForDecisionAsync(request, call, cancellationToken).ConfigureAwait(false);
        var who = approval.Route == ApprovalRoute.Role
            ? $"an approver with the {approval.ApproverRole} role (not you) ({approval.Reason})"
            : $"you ({approval.Reason}), and {note}";
        var message = string.Create(
            CultureInfo.InvariantCulture,
            $"Nothing was changed yet: this call needs approval by {who}. It waits in the approval queue as {request.Id} until {request.ExpiresAt:yyyy-MM-dd HH:mm} UTC. Approve it with the Approvals.Decide tool or `governed-crm approvals approve {request.Id}`.");
        return GovernanceOutcome<TResult>.Refused(new GovernanceRefusal(PendingCode, message, approval.Rule)
        {
            Pending = new ApprovalPending(request.Id, approval.Route, approval.ApproverRole, request.ExpiresAt, approval.Reason) { Latest = latest },
        });
    }

    // While the call waits (a stateful session, within the configured wait), an approver may decide and the server
    // execute the proposal: the call then returns that outcome. Real time, polled: the decision comes from elsewhere.
    private async Task<ApprovalRequest> WaitForDecisionAsync(ApprovalRequest request, GovernedCall call, CancellationToken cancellationToken)
    {
        if (settings.DecisionWait <= TimeSpan.Zero)
        {
            return request;
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var latest = request;
        while (System.Diagnostics.Stopwatch.GetElapsedTime(started) < settings.DecisionWait && !cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            latest = await queue.FindAsync(request.Id, call.Caller, CancellationToken.None).ConfigureAwait(false) ?? latest;
            if (latest.Status is ApprovalStatus.Executed or ApprovalStatus.Failed or ApprovalStatus.Stale or ApprovalStatus.Rejected or ApprovalStatus.Expired)
            {
                break;
            }
        }

        return latest;
    }

    private static AuditRecord Record(GovernedCall call, PolicyDecision.RequireApproval approval, AuditEventType eventType, AuditActionType action, string outcome, Proposal? proposal) =>
        AuditRecords.For(call, eventType, action, outcome) with
        {
            Rule = approval.Rule,
            PolicyVersion = approval.PolicyVersion,
            Properties = proposal is null ? null : string.Join(",", proposal.Properties),
            PreviousValues = proposal is null ? null : AuditRecords.Json(proposal.Before, call.Tool.SensitiveArguments),
            ProposedValues = proposal is null ? null : AuditRecords.Json(proposal.Proposed, call.Tool.SensitiveArguments),
        };

    // Handed over without waiting: the write-ahead step's wait (before the change runs) or the audit step's (before
    // the answer) covers it. Only the question to the requester may go out first; it is not an answer and changes nothing.
    private ValueTask EnqueueAsync(GovernedCall call, AuditRecord record) => call.AuditEntries.EnqueueAsync(trail, record, CancellationToken.None);

    // The edited values replace the named properties of the call's properties argument; everything else stays.
    private static Dictionary<string, JsonElement>? Merge(GovernedCall call, JsonObject edited)
    {
        var name = call.Tool.PropertiesArgument;
        if (!call.Arguments.TryGetValue(name, out var properties) || properties.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var merged = (JsonObject)JsonNode.Parse(properties.GetRawText())!;
        foreach (var (key, value) in edited)
        {
            merged[key] = value?.DeepClone();
        }

        var arguments = new Dictionary<string, JsonElement>(call.Arguments, StringComparer.Ordinal)
        {
            [name] = JsonSerializer.SerializeToElement(merged),
        };
        return arguments;
    }

    /// <summary>
    /// The version of the target record the approver is shown: from the before values a CRM write's proposal
    /// read, else from the record the record-context step read for the policy (a custom tool names a record
    /// without a <c>properties</c> argument). The approved change runs only against that version.
    /// </summary>
    private static long? RecordVersionOf(GovernedCall call, Proposal? proposal) =>
        proposal?.Before?["version"] is JsonValue version && version.TryGetValue(out long v)
            ? v
            : call.Current is { Version: { } current } record && record.Tenant == call.Caller.Tenant ? current : null;
}
