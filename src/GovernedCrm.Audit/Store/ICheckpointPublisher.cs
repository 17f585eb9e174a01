namespace GovernedCrm.Audit.Store;

/// <summary>
/// Signs checkpoints and exports them. The writer stores each signed note in the audit database inside its next
/// commit (after the entries the checkpoint covers are durable), then hands it to <see cref="Export"/>, off the
/// commit path.
/// </summary>
public interface ICheckpointPublisher
{
    /// <summary>Signs one checkpoint.</summary>
    /// <param name="chain">The chain (tenant).</param>
    /// <param name="size">How many entries the checkpoint covers.</param>
    /// <param name="root">The Merkle root over those entries.</param>
    /// <returns>The signed note.</returns>
    string Sign(string chain, long size, byte[] root);

    /// <summary>Exports a signed note that is stored in the database: the anchor file and the log.</summary>
    /// <param name="chain">The chain.</param>
    /// <param name="size">The checkpoint's size.</param>
    /// <param name="note">The signed note.</param>
    void Export(string chain, long size, string note);
}
