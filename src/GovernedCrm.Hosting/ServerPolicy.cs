namespace GovernedCrm.Hosting;

/// <summary>The policy the server starts with, and the file it came from (null for the built-in default), which is watched for changes.</summary>
/// <param name="Policy">The policy loaded at startup.</param>
/// <param name="Path">The policy file, or null.</param>
internal sealed record ServerPolicy(CompiledPolicy Policy, string? Path)
{
    /// <summary>The connectors file in force (remote CRMs per tenant), or <see langword="null"/>: every tenant uses the embedded CRM.</summary>
    public Connectors.ConnectorsConfiguration? Connectors { get; init; }

    /// <summary>The tool classes of custom tool assemblies (<c>--tools</c>), served and governed besides the built-in tools.</summary>
    public IReadOnlyList<Type> CustomTools { get; init; } = [];

    /// <summary>Where signed audit checkpoints are published besides the anchor (<c>--witness</c>, <c>GOVERNEDCRM_WITNESS</c>).</summary>
    public IReadOnlyList<Audit.Witnesses.WitnessTarget> Witnesses { get; init; } = [];
}
