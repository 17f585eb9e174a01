namespace GovernedCrm.Audit.Witnesses;

/// <summary>One witness's client: publishes a signed checkpoint, reads back what it holds.</summary>
internal interface IWitness
{
    /// <summary>The witness's name in logs and reports.</summary>
    string Name { get; }

    /// <summary>Publishes a checkpoint.</summary>
    /// <param name="submission">The checkpoint, what the witness is known to hold, and how to prove consistency from there.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>What the witness now holds.</returns>
    /// <exception cref="WitnessException">The witness is unreachable or refused the checkpoint.</exception>
    Task<WitnessReceipt> PublishAsync(WitnessSubmission submission, CancellationToken cancellationToken);

    /// <summary>The checkpoint notes the witness holds for an origin (a folder: all of them; an endpoint: its newest).</summary>
    /// <param name="origin">The chain's origin line.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The notes as the witness gave them (cosignatures included), unverified; empty when it holds none.</returns>
    /// <exception cref="WitnessException">The witness is unreachable or answered something unexpected.</exception>
    Task<IReadOnlyList<string>> ReadAsync(string origin, CancellationToken cancellationToken);
}

/// <summary>A signed checkpoint to publish.</summary>
/// <param name="Chain">The chain.</param>
/// <param name="Note">The signed note.</param>
/// <param name="Size">Its size.</param>
/// <param name="WitnessSize">The size the witness last accepted for this chain, as far as this side knows (0: none).</param>
/// <param name="ProveFrom">The consistency proof from an older size to <paramref name="Size"/>.</param>
internal sealed record WitnessSubmission(string Chain, string Note, long Size, long WitnessSize, Func<long, CancellationToken, Task<IReadOnlyList<byte[]>>> ProveFrom);

/// <summary>What a witness holds after a publish.</summary>
/// <param name="Size">The size it accepted.</param>
/// <param name="Cosigned">The note with the witness's cosignature lines, when it returned any.</param>
internal sealed record WitnessReceipt(long Size, string? Cosigned);
