namespace GovernedCrm.AdminConsole.Trail;

/// <summary>The caller's chain's newest signed checkpoint and its anchor.</summary>
/// <param name="Chain">The chain (the caller's tenant).</param>
/// <param name="Checkpoint">The newest checkpoint in the database validly signed by the audit key, or null when none is yet.</param>
/// <param name="Anchor">The anchor file's state for this chain.</param>
public sealed record ChainState(string Chain, SignedCheckpointView? Checkpoint, AnchorState Anchor);

/// <summary>A signed checkpoint as the console shows it.</summary>
/// <param name="Size">How many entries it covers.</param>
/// <param name="RootHash">Its Merkle root (base64).</param>
/// <param name="KeyName">The name of the key that signed it.</param>
public sealed record SignedCheckpointView(long Size, string RootHash, string KeyName);

/// <summary>What the anchor file (checkpoints kept outside the database) holds of the caller's chain.</summary>
/// <param name="Exists">Whether the anchor file exists.</param>
/// <param name="Checkpoints">How many validly signed checkpoints of this chain it holds.</param>
/// <param name="NewestSize">The size of the newest of them, or null.</param>
/// <param name="HasLeftOutRecords">Whether it has records verification leaves out (torn, edited or signed by another key); which ones only an every-chain admin learns, with <c>verify</c>.</param>
public sealed record AnchorState(bool Exists, int Checkpoints, long? NewestSize, bool HasLeftOutRecords);
