using GovernedCrm.Audit.Checkpoints;
using GovernedCrm.Audit.Witnesses;

namespace GovernedCrm.Audit.Store;

/// <summary>Opens the audit trail of a data folder: creates the signing key on first run, the schema, and starts the writer.</summary>
public static class AuditTrailFactory
{
    /// <summary>The signing key's name, as it appears in every signed checkpoint.</summary>
    public const string KeyName = "governed-crm-audit";

    /// <summary>Opens and starts the writer.</summary>
    /// <param name="paths">Where the parts live.</param>
    /// <param name="time">The clock.</param>
    /// <param name="loggers">Loggers.</param>
    /// <param name="tuning">Checkpoint and batching settings (the database path in it is ignored).</param>
    /// <param name="cancellationToken">Cancels startup.</param>
    /// <returns>The started writer; dispose it to sign the final checkpoint.</returns>
    /// <exception cref="AuditKeyException">The key file is unusable.</exception>
    /// <exception cref="InvalidDataException">The audit database is unusable.</exception>
    public static async Task<AuditWriter> OpenAsync(
        AuditPaths paths, TimeProvider time, ILoggerFactory loggers, AuditStoreOptions? tuning, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(loggers);
        var options = new AuditStoreOptions
        {
            DatabasePath = paths.DatabasePath,
            BusyTimeout = tuning?.BusyTimeout ?? TimeSpan.FromSeconds(5),
            BusyRetry = tuning?.BusyRetry ?? TimeSpan.FromSeconds(30),
            CheckpointEveryEntries = tuning?.CheckpointEveryEntries ?? 1000,
            CheckpointInterval = tuning?.CheckpointInterval ?? TimeSpan.FromSeconds(60),
            MaxBatch = tuning?.MaxBatch ?? 512,
            WalCheckpointEveryEntries = tuning?.WalCheckpointEveryEntries ?? 4096,
            Witnesses = tuning?.Witnesses ?? [],
            WitnessPublishing = tuning?.WitnessPublishing ?? new(),
        };
        var key = AuditSigningKey.LoadOrCreate(paths.KeyFilePath, KeyName);
        var database = new AuditDatabase(options);
        var witnesses = options.Witnesses.Count == 0 ? null : WitnessPublisher.Create(
            paths.DatabasePath, key.VerifierKey, options.Witnesses, paths.WitnessStateFolder, time, loggers.CreateLogger<WitnessPublisher>(), options.WitnessPublishing);
        var publisher = new SignedCheckpointPublisher(key, new AnchorFile(paths.AnchorPath), loggers.CreateLogger<SignedCheckpointPublisher>(), witnesses is null ? null : witnesses.Notify);
        var writer = new AuditWriter(database, publisher, time, loggers.CreateLogger<AuditWriter>(), key, witnesses);
        try
        {
            await writer.StartAsync(cancellationToken).ConfigureAwait(false);
            witnesses?.Start();
        }
        catch (SqliteException ex)
        {
            await writer.DisposeAsync().ConfigureAwait(false);
            throw new InvalidDataException($"The audit database at {paths.DatabasePath} cannot be opened: {ex.Message.TrimEnd('.')}.", ex);
        }

        return writer;
    }
}
