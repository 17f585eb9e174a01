using System.Text.Json.Serialization;

namespace GovernedCrm.Audit.Proofs;

/// <summary>
/// An RFC 9162 consistency proof between two sizes of one chain, with the roots at both sizes and, when the audit
/// database holds them, the signed checkpoints at those sizes: what <c>audit prove-consistency</c> prints and
/// <c>audit check-consistency</c> reads.
/// </summary>
public sealed record ConsistencyProofBundle
{
    /// <summary>The bundle format.</summary>
    [JsonPropertyName("format")]
    public string Format { get; init; } = "governed-crm-consistency-proof/v1";

    /// <summary>The chain (tenant).</summary>
    [JsonPropertyName("chain")]
    public required string Chain { get; init; }

    /// <summary>The older tree size.</summary>
    [JsonPropertyName("oldSize")]
    public required long OldSize { get; init; }

    /// <summary>The newer tree size.</summary>
    [JsonPropertyName("newSize")]
    public required long NewSize { get; init; }

    /// <summary>The Merkle root at the older size, base64.</summary>
    [JsonPropertyName("oldRoot")]
    public required string OldRoot { get; init; }

    /// <summary>The Merkle root at the newer size, base64.</summary>
    [JsonPropertyName("newRoot")]
    public required string NewRoot { get; init; }

    /// <summary>The proof hashes, base64, in RFC 9162 order.</summary>
    [JsonPropertyName("proof")]
    public required IReadOnlyList<string> Proof { get; init; }

    /// <summary>The signed checkpoint at the older size (C2SP signed note), when the database holds one.</summary>
    [JsonPropertyName("oldCheckpoint")]
    public string? OldCheckpoint { get; init; }

    /// <summary>The signed checkpoint at the newer size (C2SP signed note), when the database holds one.</summary>
    [JsonPropertyName("newCheckpoint")]
    public string? NewCheckpoint { get; init; }
}
