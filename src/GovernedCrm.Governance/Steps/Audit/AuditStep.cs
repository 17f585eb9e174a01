using Microsoft.Extensions.Logging;

namespace GovernedCrm.Governance.Steps.Audit;

/// <summary>
/// The outer audit step: records how every governed call ended: refused (with code and rule), executed (with a
/// result summary), failed (tool error or exception), cancelled by the client. Runs first so refusals by any later
/// step are recorded. It is also where the call waits, once, for all of its entries (RECEIVED, PROPOSED, the
/// outcome...) to be durable: no answer leaves before them. An outcome that cannot be made durable turns the
/// answer into <see cref="UnavailableCode"/>, naming the execution id.
/// </summary>
/// <param name="trail">The audit trail.</param>
/// <param name="logger">Logs audit writes that fail after the fact.</param>
public sealed partial class AuditStep(IAuditTrail trail, ILogger<AuditStep> logger) : IGovernanceStep
{
    /// <summary>The refusal code when the audit trail cannot be written.</summary>
    public const string UnavailableCode = "audit.unavailable";

    /// <summary>The code of a call that ended in an unexpected exception (a defect, not the caller's input).</summary>
    public const string InternalErrorCode = "governance.internal_error";

    /// <summary>The message of <see cref="InternalErrorCode"/>: generic, nothing of the exception reaches a client.</summary>
    public const string InternalErrorMessage =
        "The server could not complete this call because of an internal error. It is recorded in the audit trail and the server log.";

    /// <summary>The code recorded for a call the client cancelled.</summary>
    public const string CancelledCode = "call.cancelled";

    /// <summary>The outcome of a CANCELLED entry written after the PROPOSED entry: the tool may have run.</summary>
    public const string CancelledAfterProposedOutcome = "cancelled:after_proposed";

    /// <summary>The step's name in <see cref="Pipeline.DefaultGovernancePipeline.StepOrder"/>.</summary>
    public const string StepName = "audit";

    /// <inheritdoc />
    public string Name => StepName;

    /// <inheritdoc />
    public async ValueTask<GovernanceOutcome<TResult>> InvokeAsync<TResult>(GovernedCall call, GovernanceNext<TResult> next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(next);
        GovernanceOutcome<TResult> outcome;
        try
        {
            outcome = await next(call, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await TryAppendAsync(Cancelled(call), call).ConfigureAwait(false);
            throw;
        }
        catch (Approval.ConfirmationDeferredException)
        {
            // The question goes back to the client as this call's answer: the entries so far must be durable first.
            if (await TryWaitAsync(call, "APPROVAL_REQUESTED").ConfigureAwait(false) is { } failure)
            {
                return GovernanceOutcome<TResult>.Refused(new GovernanceRefusal(
                    UnavailableCode, $"{failure.Message} The call was not carried out: nothing runs without its audit entry."));
            }

            throw;
        }
        catch (Exception ex)
        {
            // A GovernedCallException carries its own code; anything else is a defect: a stable code, no exception text.
            var failed = AuditRecords.For(call, AuditEventType.Failed, AuditActionType.Error, $"failed:{(ex as GovernedCallException)?.Code ?? InternalErrorCode}");
            if (ex is not GovernedCallException)
            {
                LogUnexpected(logger, ex, call.Tool.ToolName, call.ExecutionId);
                failed = failed with { Result = new System.Text.Json.Nodes.JsonObject { ["code"] = InternalErrorCode, ["message"] = InternalErrorMessage }.ToJsonString() };
            }

            await TryAppendAsync(failed, call).ConfigureAwait(false);
            throw;
        }

        if (outcome.Refusal is { } refusal)
        {
            if (refusal.Code == UnavailableCode)
            {
                // Nothing more can be written; the entries already handed over are still waited for before the answer.
                await TryWaitAsync(call, "(earlier)").ConfigureAwait(false);
                return outcome;
            }

            if (refusal.Pending is { } pending)
            {
                // The approval step wrote APPROVAL_REQUESTED; the answer (the approval id) waits for the call's entries.
                return await TryWaitAsync(call, "APPROVAL_REQUESTED").ConfigureAwait(false) is { } failure
                    ? GovernanceOutcome<TResult>.Refused(new GovernanceRefusal(
                        UnavailableCode, $"{failure.Message} The proposal {pending.ApprovalId} was queued, but the audit entries of this call (execution {call.ExecutionId}) could not all be written.", refusal.Rule))
                    : outcome;
            }

            var denied = AuditRecords.For(call, AuditEventType.Denied, AuditActionType.Deny, $"denied:{refusal.Code}") with
            {
                Rule = refusal.Rule ?? call.Decision?.Rule,
                Result = new System.Text.Json.Nodes.JsonObject { ["code"] = refusal.Code, ["message"] = refusal.Message }.ToJsonString(),
            };
            return await TryAppendAsync(denied, call).ConfigureAwait(false)
                ? outcome
                : GovernanceOutcome<TResult>.Refused(new GovernanceRefusal(UnavailableCode, $"{refusal.Message} (The audit trail could not record this refusal.)", refusal.Rule));
        }

        var result = outcome.Result as IGovernedResult;
        var record = result is { IsError: true }
            ? AuditRecords.For(call, AuditEventType.Failed, AuditActionType.Error, $"failed:{result.ErrorCode ?? "error"}")
            : AuditRecords.For(call, AuditEventType.Executed, AuditRecords.ActionOf(call.Tool), "executed");
        return await TryAppendAsync(record with { Result = AuditRecords.RedactJson(result?.AuditSummary, call.Tool.SensitiveResultFields) }, call).ConfigureAwait(false)
            ? outcome
            : GovernanceOutcome<TResult>.Refused(new GovernanceRefusal(UnavailableCode, Unrecorded(call)));
    }

    /// <summary>The answer of a call that ran but whose entries could not all be made durable: its result is withheld.</summary>
    /// <param name="call">The call.</param>
    /// <returns>The message, naming the execution id.</returns>
    private static string Unrecorded(GovernedCall call) => call.Tool.IsWrite
        ? $"The audit trail could not record the outcome of this call (execution {call.ExecutionId}), so its answer is withheld. The change ran, so the CRM may have been changed: compare the record with the call's PROPOSED entry."
        : $"The audit trail could not record this call (execution {call.ExecutionId}), so its answer is withheld: nothing leaves without its audit entries.";

    // Before the PROPOSED entry nothing ran; after it the tool may have run and the CRM may have changed: say which.
    private static AuditRecord Cancelled(GovernedCall call)
    {
        var message = call.WriteAheadRecorded
            ? "The client cancelled the call after its PROPOSED entry was written: the tool may have run, so the CRM may have been changed. Compare the record with this call's PROPOSED entry."
            : "The client cancelled the call before it ran: nothing was changed in the CRM.";
        return AuditRecords.For(call, AuditEventType.Cancelled, AuditRecords.ActionOf(call.Tool), call.WriteAheadRecorded ? CancelledAfterProposedOutcome : "cancelled") with
        {
            Result = new System.Text.Json.Nodes.JsonObject { ["code"] = CancelledCode, ["message"] = message, ["mayHaveRun"] = call.WriteAheadRecorded }.ToJsonString(),
        };
    }

    // The call's last entry, then the one wait for every entry of the call: true once all are durable.
    private async Task<bool> TryAppendAsync(AuditRecord record, GovernedCall call)
    {
        try
        {
            // Not cancellable: once a call has an outcome, its entry must be written even if the client gave up.
            await call.AuditEntries.EnqueueAsync(trail, record, CancellationToken.None).ConfigureAwait(false);
        }
        catch (AuditUnavailableException ex)
        {
            LogAppendFailed(logger, record.Event.ToString(), call.Tool.ToolName, call.ExecutionId, ex.Message);
            await call.AuditEntries.TryWaitDurableAsync().ConfigureAwait(false);
            return false;
        }

        return await TryWaitAsync(call, record.Event.ToString()).ConfigureAwait(false) is null;
    }

    private async Task<AuditUnavailableException?> TryWaitAsync(GovernedCall call, string @event)
    {
        var failure = await call.AuditEntries.TryWaitDurableAsync().ConfigureAwait(false);
        if (failure is not null)
        {
            LogAppendFailed(logger, @event, call.Tool.ToolName, call.ExecutionId, failure.Message);
        }

        return failure;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected exception in governed call {Tool} ({ExecutionId}); recorded as FAILED governance.internal_error")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string tool, string executionId);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Audit entry {Event} for {Tool} ({ExecutionId}) could not be written: {Reason}")]
    private static partial void LogAppendFailed(ILogger logger, string @event, string tool, string executionId, string reason);
}
