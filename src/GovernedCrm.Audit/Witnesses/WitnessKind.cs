namespace GovernedCrm.Audit.Witnesses;

/// <summary>How checkpoints reach a witness.</summary>
public enum WitnessKind
{
    /// <summary>An append-only folder (on another volume): one file per checkpoint, written atomically, never overwritten.</summary>
    Directory,

    /// <summary>An HTTP endpoint that takes a POST of the signed note (and answers the newest one to a GET).</summary>
    Http,

    /// <summary>A C2SP tlog-witness (a URL ending in <c>/add-checkpoint</c>): consistency proofs in, cosignatures out.</summary>
    TlogWitness,
}
