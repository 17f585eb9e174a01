namespace GovernedCrm.AdminConsole.Trail;

/// <summary>
/// The integrity checks of the caller's own tenant's chain, implemented by the host with the audit trail's verifier
/// and proofs: the same walk as <c>governed-crm verify --tenant T</c> and <c>Audit.VerifyChain</c>, the chain's newest
/// signed checkpoint and anchor, and an entry's inclusion proof bundle as <c>audit prove</c> writes it.
/// </summary>
public interface IChainIntegrity
{
    /// <summary>Whether the policy lets <paramref name="caller"/> verify the chain (admins, and roles an allow rule names <c>Audit.VerifyChain</c> for).</summary>
    /// <param name="caller">The console user.</param>
    /// <returns>True when they may.</returns>
    bool MayVerify(CallerIdentity caller);

    /// <summary>Walks the caller's tenant's chain.</summary>
    /// <param name="caller">The console user.</param>
    /// <param name="progress">Receives the number of entries walked, now and then.</param>
    /// <param name="cancellationToken">Cancels the walk.</param>
    /// <returns>What the walk found.</returns>
    Task<ChainVerification> VerifyAsync(CallerIdentity caller, IProgress<long>? progress, CancellationToken cancellationToken);

    /// <summary>The chain's newest validly signed checkpoint and what the anchor file holds of it.</summary>
    /// <param name="caller">The console user.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The state.</returns>
    Task<ChainState> StateAsync(CallerIdentity caller, CancellationToken cancellationToken);

    /// <summary>
    /// The inclusion proof bundle of the entry at <paramref name="sequence"/> (the file <c>audit check-proof</c> accepts). The
    /// bundle holds the entry's whole signed body, so it is refused for an entry with a value the caller may not read.
    /// </summary>
    /// <param name="caller">The console user.</param>
    /// <param name="sequence">The entry's position.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The file, or a refusal.</returns>
    Task<ProofDownload> ProofAsync(CallerIdentity caller, long sequence, CancellationToken cancellationToken);
}
