namespace GovernedCrm.Audit.Store;

/// <summary>Where the audit trail's three parts live: the database, the signing key file, the anchor file.</summary>
/// <param name="DatabasePath">The audit database (never the CRM database).</param>
/// <param name="KeyFilePath">The checkpoint signing key (a file, never in a database).</param>
/// <param name="AnchorPath">The append-only file of signed checkpoints, beside (not inside) the database.</param>
public sealed record AuditPaths(string DatabasePath, string KeyFilePath, string AnchorPath)
{
    /// <summary>The key file's default location inside the data folder.</summary>
    public static readonly string DefaultKeyFile = Path.Combine("keys", "audit-signing.key");

    /// <summary>Where the witness publisher keeps how far each witness has been given each chain: <c>witnesses/</c> beside the database.</summary>
    public string WitnessStateFolder => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(DatabasePath))!, "witnesses");

    /// <summary>The defaults for a data folder, with optional overrides for the key and anchor files.</summary>
    /// <param name="dataFolder">The data folder.</param>
    /// <param name="keyFile">Another key file location, if configured.</param>
    /// <param name="anchorFile">Another anchor file location, if configured.</param>
    /// <returns>The paths.</returns>
    public static AuditPaths InDataFolder(string dataFolder, string? keyFile = null, string? anchorFile = null) => new(
        Path.Combine(dataFolder, AuditStoreOptions.FileName),
        keyFile ?? Path.Combine(dataFolder, DefaultKeyFile),
        anchorFile ?? Path.Combine(dataFolder, AuditStoreOptions.AnchorFileName));
}
