namespace GovernedCrm.Audit.Verification;

/// <summary>What verification found.</summary>
/// <param name="Valid">True when every check passed.</param>
/// <param name="Entries">How many entries were walked.</param>
/// <param name="Checkpoints">How many signed checkpoints were checked.</param>
/// <param name="Chain">The chain where the first problem is, when broken.</param>
/// <param name="Position">The sequence number of the first problem, when broken.</param>
/// <param name="Code">The code of the first problem (see <see cref="VerifyCodes"/>), when broken.</param>
/// <param name="Detail">What happened, in words.</param>
/// <param name="Elapsed">How long the walk took.</param>
public sealed record VerifyReport(bool Valid, long Entries, int Checkpoints, string? Chain, long? Position, string? Code, string? Detail, TimeSpan Elapsed)
{
    /// <summary>
    /// What verification had to leave out without the chain being broken: anchor file records that are torn,
    /// edited or not signed by the audit key. Empty when there was nothing to say.
    /// </summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The first line the CLI prints.</summary>
    public string Summary => Valid
        ? $"chain valid: {Entries} entries walked in {(long)Elapsed.TotalMilliseconds} ms"
        : $"chain broken at position {Position}: {Code} ({Detail})";
}
