namespace GovernedCrm.Governance.Pipeline;

/// <summary>
/// A host's own governance step, placed right after a step of the default pipeline. Every call (live, approved,
/// decided anywhere) passes it, since every call passes the one pipeline.
/// </summary>
/// <param name="After">The name of the step it follows (e.g. "policy").</param>
/// <param name="Create">Creates the step from the server's services.</param>
public sealed record GovernanceStepRegistration(string After, Func<IServiceProvider, IGovernanceStep> Create);
