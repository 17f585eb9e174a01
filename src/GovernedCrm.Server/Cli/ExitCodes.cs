namespace GovernedCrm.Server.Cli;

/// <summary>The process exit codes every command uses (see the README).</summary>
internal static class ExitCodes
{
    /// <summary>Success (for verify: the chain is valid).</summary>
    public const int Ok = 0;

    /// <summary>The answer is "no": a broken chain, a refused approval, an invalid policy.</summary>
    public const int Refused = 1;

    /// <summary>Usage, configuration or I/O error: nothing was checked or changed.</summary>
    public const int Error = 2;
}
