namespace GovernedCrm.Audit.Checkpoints;

/// <summary>What an anchor file holds: its complete notes, and the records that could not be read as notes.</summary>
/// <param name="Notes">Every complete note, in file order.</param>
/// <param name="Damaged">Every record that is not a complete note, in file order.</param>
public sealed record AnchorContents(IReadOnlyList<AnchoredNote> Notes, IReadOnlyList<AnchorDamage> Damaged)
{
    /// <summary>An anchor file that does not exist.</summary>
    public static AnchorContents Empty { get; } = new([], []);
}

/// <summary>One complete note of an anchor file.</summary>
/// <param name="Note">The signed note, exactly as it was appended.</param>
/// <param name="Line">The line it starts on (1-based).</param>
public sealed record AnchoredNote(string Note, int Line);

/// <summary>
/// A record of an anchor file that is not a complete note: torn by a crash while it was appended (a later append
/// leaves it in the middle of the file), or edited. It is left out of verification, and reported.
/// </summary>
/// <param name="Line">The line it starts on (1-based).</param>
/// <param name="Reason">What is wrong with it.</param>
public sealed record AnchorDamage(int Line, string Reason);
