using GovernedCrm.Governance.Credentials;

namespace GovernedCrm.Governance.Steps.Credentials;

/// <summary>
/// Refuses a CRM call (a tool whose target system is <c>crm</c>) when the caller has no usable connection to their
/// tenant's CRM, before anything reads or writes it, with <see cref="ConnectionRequirement.Code"/> and a connect answer.
/// Runs before the record-context step, which already needs the caller's credentials to read the targeted record.
/// </summary>
/// <param name="check">The connection check.</param>
public sealed class CredentialsStep(ICrmConnectionCheck check) : GovernanceStep(StepName)
{
    /// <summary>The target system whose tools need a CRM connection.</summary>
    public const string CrmTargetSystem = "crm";

    /// <summary>The step's name in <see cref="Pipeline.DefaultGovernancePipeline.StepOrder"/>.</summary>
    public const string StepName = "credentials";

    /// <inheritdoc />
    protected override async ValueTask<GovernanceOutcome<TResult>> RunAsync<TResult>(GovernedCall call, GovernanceNext<TResult> next, CancellationToken cancellationToken)
    {
        if (string.Equals(call.Tool.TargetSystem, CrmTargetSystem, StringComparison.Ordinal)
            && await check.CheckAsync(call.Caller, cancellationToken).ConfigureAwait(false) is { } requirement)
        {
            return GovernanceOutcome<TResult>.Refused(new GovernanceRefusal(ConnectionRequirement.Code, requirement.Message) { Connection = requirement });
        }

        return await next(call, cancellationToken).ConfigureAwait(false);
    }
}
