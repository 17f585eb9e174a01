namespace GovernedCrm.Governance.Policy;

/// <summary>The outcome of loading a policy file: the compiled policy, or every error found.</summary>
public sealed record PolicyLoadResult
{
    /// <summary>The compiled policy; null when there are errors.</summary>
    public CompiledPolicy? Policy { get; init; }

    /// <summary>Every problem found, in file order; empty when the policy loaded.</summary>
    public IReadOnlyList<PolicyError> Errors { get; init; } = [];

    /// <summary>True when the policy loaded without errors.</summary>
    public bool Succeeded => Policy is not null;
}
