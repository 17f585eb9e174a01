namespace GovernedCrm.Hosting;

/// <summary>
/// Where the audit key and anchor live: in the data folder by default, elsewhere when configured. Put them
/// where the audit database's writers cannot reach to protect against someone who can rewrite the database.
/// </summary>
internal static class AuditLocations
{
    public const string KeyEnvironmentVariable = "GOVERNEDCRM_AUDIT_KEY";
    public const string AnchorEnvironmentVariable = "GOVERNEDCRM_AUDIT_ANCHOR";
    public const string CheckpointEveryEnvironmentVariable = "GOVERNEDCRM_AUDIT_CHECKPOINT_EVERY";
    public const string WalCheckpointEveryEnvironmentVariable = "GOVERNEDCRM_AUDIT_WAL_CHECKPOINT_EVERY";

    public static AuditPaths Resolve(DataFolder folder, string? anchorOverride = null) => AuditPaths.InDataFolder(
        folder.Path,
        NonEmpty(Environment.GetEnvironmentVariable(KeyEnvironmentVariable)),
        NonEmpty(anchorOverride) ?? NonEmpty(Environment.GetEnvironmentVariable(AnchorEnvironmentVariable)));

    /// <summary>The writer's settings from the environment; the server adds the witnesses it publishes to.</summary>
    public static AuditStoreOptions Tuning(IReadOnlyList<GovernedCrm.Audit.Witnesses.WitnessTarget>? witnesses = null) => new()
    {
        DatabasePath = string.Empty,
        CheckpointEveryEntries = PositiveOr(CheckpointEveryEnvironmentVariable, 1000),
        WalCheckpointEveryEntries = PositiveOr(WalCheckpointEveryEnvironmentVariable, 4096),
        Witnesses = witnesses ?? [],
    };

    private static int PositiveOr(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), out var value) && value > 0 ? value : fallback;

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : Path.GetFullPath(value);
}
