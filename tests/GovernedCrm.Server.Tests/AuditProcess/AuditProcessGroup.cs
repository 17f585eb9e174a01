namespace GovernedCrm.Server.Tests.AuditProcess;

/// <summary>
/// The multi-process audit tests run alone, after the parallel tests: they start many servers and measure
/// throughput, and on a small machine other tests' processes would only slow both down.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AuditProcessGroup
{
    public const string Name = "audit processes";
}
