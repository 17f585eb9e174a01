namespace GovernedCrm.Audit.Store;

/// <summary>A signed checkpoint note waiting to be stored with the next group, then exported to the anchor file.</summary>
/// <param name="Chain">The chain.</param>
/// <param name="Size">The chain's size the note signs.</param>
/// <param name="Note">The signed note text.</param>
internal sealed record SignedNote(string Chain, long Size, string Note);
