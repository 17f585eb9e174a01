namespace GovernedCrm.AdminConsole.Trail;

/// <summary>What a walk of the caller's chain found (the fields of <c>verify --json</c>).</summary>
/// <param name="Valid">True when every check passed.</param>
/// <param name="Chain">The chain walked (the caller's tenant).</param>
/// <param name="Entries">How many entries were walked.</param>
/// <param name="Checkpoints">How many signed checkpoints were checked.</param>
/// <param name="Position">The position of the first problem, when broken.</param>
/// <param name="Code">The code of the first problem, when broken.</param>
/// <param name="Detail">What happened, in words, when broken.</param>
/// <param name="ElapsedMs">How long the walk took.</param>
/// <param name="Summary">The line <c>verify</c> prints first.</param>
/// <param name="Warnings">What had to be left out without the chain being broken.</param>
public sealed record ChainVerification(
    bool Valid, string Chain, long Entries, int Checkpoints, long? Position, string? Code, string? Detail, long ElapsedMs, string Summary, IReadOnlyList<string> Warnings);
