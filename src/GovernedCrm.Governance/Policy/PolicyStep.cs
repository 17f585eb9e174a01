using GovernedCrm.Governance.Pipeline;

namespace GovernedCrm.Governance.Policy;

/// <summary>Asks the policy for a decision and refuses the call unless it is allowed. A policy that throws denies.</summary>
/// <param name="policy">The policy.</param>
public sealed class PolicyStep(IGovernancePolicy policy) : IGovernanceStep
{
    /// <summary>The code used when the policy itself failed: the call is denied, never allowed by accident.</summary>
    public const string EvaluationFailedCode = "policy.error";

    /// <inheritdoc />
    public string Name => "policy";

    /// <inheritdoc />
    public async ValueTask<GovernanceOutcome<TResult>> InvokeAsync<TResult>(
        GovernedCall call, GovernanceNext<TResult> next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        PolicyDecision decision;
        try
        {
            decision = policy.Evaluate(call);
        }
#pragma warning disable CA1031 // Fail closed: any failure to decide is a denial.
        catch (Exception)
#pragma warning restore CA1031
        {
            return GovernanceOutcome<TResult>.Refused(new GovernanceRefusal(
                EvaluationFailedCode, "The policy could not be evaluated, so the call was denied."));
        }

        call.Decision = decision;
        return decision switch
        {
            PolicyDecision.Allow => await next(call, cancellationToken).ConfigureAwait(false),
            PolicyDecision.Deny deny => GovernanceOutcome<TResult>.Refused(new GovernanceRefusal(deny.Code, deny.Message, deny.Rule)),
            _ => GovernanceOutcome<TResult>.Refused(new GovernanceRefusal(
                EvaluationFailedCode, "The policy returned a decision this server does not understand, so the call was denied.", decision.Rule)),
        };
    }
}
