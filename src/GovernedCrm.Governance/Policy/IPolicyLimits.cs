namespace GovernedCrm.Governance.Policy;

/// <summary>
/// The policy's stateful limits (writes per user per window, records per call, distinct records per session).
/// Checked after the rules allowed a call; a call that passes is counted.
/// </summary>
public interface IPolicyLimits
{
    /// <summary>Checks and counts one call; returns the denial when a limit is reached, else null.</summary>
    /// <param name="call">The call, already allowed by the rules.</param>
    /// <returns>A denial, or null.</returns>
    PolicyDecision.Deny? CheckAndCount(GovernedCall call);
}
