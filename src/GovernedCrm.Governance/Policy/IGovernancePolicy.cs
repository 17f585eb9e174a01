namespace GovernedCrm.Governance.Policy;

/// <summary>Decides whether a call may run. Implementations must fail closed: when unsure, deny.</summary>
public interface IGovernancePolicy
{
    /// <summary>The policy's version (a hash of its source), stamped on every decision.</summary>
    string Version { get; }

    /// <summary>Decides one call.</summary>
    /// <param name="call">The call.</param>
    /// <returns>The decision.</returns>
    PolicyDecision Evaluate(GovernedCall call);
}
