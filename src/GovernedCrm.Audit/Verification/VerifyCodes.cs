namespace GovernedCrm.Audit.Verification;

/// <summary>Stable codes for what verification found; documented in the README.</summary>
public static class VerifyCodes
{
    /// <summary>A sequence number is missing (an entry was deleted).</summary>
    public const string SequenceGap = "SEQ_GAP";

    /// <summary>A sequence number repeats or goes backwards.</summary>
    public const string SequenceDuplicate = "SEQ_DUP";

    /// <summary>The stored hash does not match the body (the body or the hash was edited).</summary>
    public const string BodyHashMismatch = "BODY_HASH_MISMATCH";

    /// <summary>The body cannot be decoded.</summary>
    public const string BodyMalformed = "BODY_MALFORMED";

    /// <summary>The body names another chain (an entry was moved).</summary>
    public const string ChainMismatch = "CHAIN_MISMATCH";

    /// <summary>The body's sequence differs from its position (entries were swapped or inserted).</summary>
    public const string SequenceMismatch = "SEQ_MISMATCH";

    /// <summary>The body's previous-hash link does not match the entry before (deletion, insertion, reordering, re-hashing).</summary>
    public const string LinkMismatch = "LINK_MISMATCH";

    /// <summary>A query column disagrees with the body (a column was edited).</summary>
    public const string ColumnMismatch = "COLUMN_MISMATCH";

    /// <summary>The Merkle root at a signed checkpoint differs (the log was rewritten).</summary>
    public const string CheckpointRootMismatch = "CHECKPOINT_ROOT_MISMATCH";

    /// <summary>The log is shorter than a signed checkpoint says it was (tail deleted).</summary>
    public const string TruncatedBelowSignedSize = "TRUNCATED_BELOW_SIGNED_SIZE";

    /// <summary>A checkpoint in the database carries no valid signature by the audit key (forged).</summary>
    public const string BadSignature = "BAD_SIGNATURE";

    /// <summary>The recorded chain head disagrees with the entries.</summary>
    public const string HeadMismatch = "HEAD_MISMATCH";

    /// <summary>
    /// A witness holds a checkpoint the local chain does not extend: the entries up to that size differ from what was
    /// witnessed, or the chain is shorter (history rewritten on the host, key and anchor included).
    /// </summary>
    public const string WitnessMismatch = "WITNESS_MISMATCH";
}
