namespace GovernedCrm.Governance.Steps.Policy;

/// <summary>
/// Asks the policy for a decision, then its limits, and refuses the call unless it is allowed. A policy that
/// throws denies. A call that needs approval goes to the approval step when one is installed after this one;
/// without one it is refused with <see cref="ApprovalRequiredCode"/> (fail closed: nothing runs unapproved).
/// </summary>
/// <param name="policy">The policy.</param>
/// <param name="approvalsFollow">True when an approval step runs after this step and handles RequireApproval decisions.</param>
public sealed class PolicyStep(IGovernancePolicy policy, bool approvalsFollow = false) : GovernanceStep(StepName)
{
    /// <summary>The code used when the policy itself failed: the call is denied, never allowed by accident.</summary>
    public const string EvaluationFailedCode = "policy.error";

    /// <summary>The code used for a call that needs approval when no approval step can ask for it.</summary>
    public const string ApprovalRequiredCode = "policy.approval_required";

    /// <summary>The step's name in <see cref="Pipeline.DefaultGovernancePipeline.StepOrder"/>.</summary>
    public const string StepName = "policy";

    /// <inheritdoc />
    protected override async ValueTask<GovernanceOutcome<TResult>> RunAsync<TResult>(
        GovernedCall call, GovernanceNext<TResult> next, CancellationToken cancellationToken)
    {
        PolicyDecision decision;
        try
        {
            decision = policy.Evaluate(call);
            if (decision is PolicyDecision.Allow or PolicyDecision.RequireApproval && policy is IPolicyLimits limits && limits.CheckAndCount(call) is { } limited)
            {
                decision = limited;
            }
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
            PolicyDecision.RequireApproval when approvalsFollow => await next(call, cancellationToken).ConfigureAwait(false),
            PolicyDecision.RequireApproval approval => GovernanceOutcome<TResult>.Refused(new GovernanceRefusal(
                ApprovalRequiredCode,
                $"This call needs approval ({(approval.Route == ApprovalRoute.Role ? $"by a {approval.ApproverRole}" : "by you")}): {approval.Reason} This server has no approval step installed, so nothing was changed.",
                approval.Rule)),
            _ => GovernanceOutcome<TResult>.Refused(new GovernanceRefusal(
                EvaluationFailedCode, "The policy returned a decision this server does not understand, so the call was denied.", decision.Rule)),
        };
    }
}
