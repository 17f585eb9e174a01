namespace GovernedCrm.Audit.Store;

/// <summary>Signs and publishes a checkpoint of a chain, after the entries it covers are durably committed.</summary>
public interface ICheckpointPublisher
{
    /// <summary>Signs, stores and exports one checkpoint.</summary>
    /// <param name="chain">The chain (tenant).</param>
    /// <param name="size">How many entries the checkpoint covers.</param>
    /// <param name="root">The Merkle root over those entries.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>A task.</returns>
    Task PublishAsync(string chain, long size, byte[] root, CancellationToken cancellationToken);
}
