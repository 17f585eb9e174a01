using GovernedCrm.Governance.Steps.Approval;
using GovernedCrm.Governance.Steps.Audit;
using GovernedCrm.Governance.Steps.Credentials;

namespace GovernedCrm.Governance.Telemetry;

/// <summary>How a governed call ended, as its span and the calls counter tell it (the values of <see cref="TelemetryTags.Outcome"/>).</summary>
/// <param name="Name">The outcome's name.</param>
/// <param name="Code">The refusal's or error's stable code, when there is one.</param>
/// <param name="Rule">The policy rule that refused the call, when one did.</param>
public readonly record struct CallOutcome(string Name, string? Code, string? Rule)
{
    /// <summary>The tool ran and reported success.</summary>
    public const string Executed = "executed";

    /// <summary>The tool ran and reported an error (a CRM error, the tool's own failure).</summary>
    public const string Failed = "failed";

    /// <summary>A step refused the call: nothing ran.</summary>
    public const string Denied = "denied";

    /// <summary>The call waits for an approval.</summary>
    public const string PendingApproval = "pending_approval";

    /// <summary>The caller must first connect their CRM account.</summary>
    public const string ConnectionRequired = "connection_required";

    /// <summary>The requester is asked to confirm (protocol 2026-07-28: the client calls again with the answer).</summary>
    public const string InputRequired = "input_required";

    /// <summary>The client cancelled the call.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>Governance could not carry the call on (its code says why).</summary>
    public const string Error = "error";

    /// <summary>True for a refusal that is a denial (not a wait for approval or for a connection).</summary>
    public bool IsDenial => Name == Denied;

    /// <summary>The outcome of a pipeline run that returned.</summary>
    /// <typeparam name="TResult">The tool's result type.</typeparam>
    /// <param name="outcome">What the pipeline returned.</param>
    /// <returns>The outcome.</returns>
    public static CallOutcome Of<TResult>(GovernanceOutcome<TResult> outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return outcome.Refusal switch
        {
            { Pending: not null } waiting => new(PendingApproval, waiting.Code, waiting.Rule),
            { Connection: not null } connect => new(ConnectionRequired, connect.Code, null),
            { } refusal => new(Denied, refusal.Code, refusal.Rule),
            null when outcome.Result is IGovernedResult { IsError: true } failed => new(Failed, failed.ErrorCode, null),
            null => new(Executed, null, null),
        };
    }

    /// <summary>The outcome of a pipeline run that threw.</summary>
    /// <param name="exception">What it threw.</param>
    /// <returns>The outcome.</returns>
    public static CallOutcome Of(Exception exception) => exception switch
    {
        ConfirmationDeferredException => new(InputRequired, null, null),
        OperationCanceledException => new(Cancelled, AuditStep.CancelledCode, null),
        GovernedCallException { Code: ConnectionRequirement.Code } => new(ConnectionRequired, ConnectionRequirement.Code, null),
        GovernedCallException governed => new(Error, governed.Code, null),
        _ => new(Error, AuditStep.InternalErrorCode, null),
    };
}
