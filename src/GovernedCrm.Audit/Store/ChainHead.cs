namespace GovernedCrm.Audit.Store;

/// <summary>
/// A chain's head as one transaction extends it: the Merkle frontier (whose size is the next sequence) and the
/// last entry's hash, read from the database inside the transaction so that every process sharing the file
/// extends the same linear chain.
/// </summary>
/// <param name="frontier">The frontier.</param>
/// <param name="hash">The last entry's hash (zeros for an empty chain).</param>
internal sealed class ChainHead(MerkleFrontier frontier, byte[] hash)
{
    private static readonly byte[] ZeroHash = new byte[MerkleHasher.HashSize];

    public MerkleFrontier Frontier { get; } = frontier;

    public byte[] Hash { get; set; } = hash;

    /// <summary>Reads a chain's head in the current transaction; an empty head when the chain has none yet.</summary>
    /// <param name="commands">The writer's commands, enlisted in the transaction.</param>
    /// <param name="chain">The chain.</param>
    /// <returns>The head.</returns>
    /// <exception cref="InvalidDataException">The stored head is damaged.</exception>
    public static ChainHead Read(AuditBatchCommands commands, string chain)
    {
        return commands.ReadHead(chain) is { } head
            ? new ChainHead(MerkleFrontier.Restore(head.Size, head.Frontier), head.Hash)
            : new ChainHead(new MerkleFrontier(), ZeroHash);
    }
}
