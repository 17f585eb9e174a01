using GovernedCrm.Governance.Pipeline;
using Microsoft.Extensions.Logging;

namespace GovernedCrm.Governance.Audit;

/// <summary>
/// The outer audit step: records how every governed call ended: refused (with code and rule), executed (with a
/// result summary), failed (tool error or exception). Runs first so refusals by any later step are recorded.
/// </summary>
/// <param name="trail">The audit trail.</param>
/// <param name="logger">Logs audit writes that fail after the fact.</param>
public sealed partial class AuditStep(IAuditTrail trail, ILogger<AuditStep> logger) : IGovernanceStep
{
    /// <summary>The refusal code when the audit trail cannot be written.</summary>
    public const string UnavailableCode = "audit.unavailable";

    /// <inheritdoc />
    public string Name => "audit";

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
        catch (Exception ex) when (ex is not OperationCanceledException and not Approvals.ConfirmationDeferredException)
        {
            await TryAppendAsync(AuditRecords.For(call, AuditEventType.Failed, AuditActionType.Error, $"failed:{(ex as GovernedCallException)?.Code ?? ex.GetType().Name}"), call).ConfigureAwait(false);
            throw;
        }

        if (outcome.Refusal is { } refusal)
        {
            if (refusal.Code == UnavailableCode || refusal.Pending is not null)
            {
                // Unavailable: nothing can be written. Pending: the approval step wrote APPROVAL_REQUESTED.
                return outcome;
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
        await TryAppendAsync(record with { Result = AuditRecords.RedactJson(result?.AuditSummary, call.Tool.SensitiveResultFields) }, call).ConfigureAwait(false);
        return outcome;
    }

    private async Task<bool> TryAppendAsync(AuditRecord record, GovernedCall call)
    {
        try
        {
            // Not cancellable: once a call has an outcome, its entry must be written even if the client gave up.
            await trail.AppendAsync(record, CancellationToken.None).ConfigureAwait(false);
            return true;
        }
        catch (AuditUnavailableException ex)
        {
            LogAppendFailed(logger, record.Event.ToString(), call.Tool.ToolName, call.ExecutionId, ex.Message);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Audit entry {Event} for {Tool} ({ExecutionId}) could not be written: {Reason}")]
    private static partial void LogAppendFailed(ILogger logger, string @event, string tool, string executionId, string reason);
}
