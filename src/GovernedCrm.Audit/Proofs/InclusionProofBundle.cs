using System.Text.Json.Serialization;

namespace GovernedCrm.Audit.Proofs;

/// <summary>
/// Everything an auditor needs to check one entry offline with only the public key: the entry's body, its
/// position, an RFC 9162 inclusion proof, and the signed checkpoint the proof leads to.
/// </summary>
public sealed record InclusionProofBundle
{
    /// <summary>The bundle format.</summary>
    [JsonPropertyName("format")]
    public string Format { get; init; } = "governed-crm-inclusion-proof/v1";

    /// <summary>The chain (tenant).</summary>
    [JsonPropertyName("chain")]
    public required string Chain { get; init; }

    /// <summary>The entry's position (leaf index).</summary>
    [JsonPropertyName("sequence")]
    public required long Sequence { get; init; }

    /// <summary>The entry's stored body, base64.</summary>
    [JsonPropertyName("body")]
    public required string Body { get; init; }

    /// <summary>The tree size of the checkpoint.</summary>
    [JsonPropertyName("treeSize")]
    public required long TreeSize { get; init; }

    /// <summary>The proof hashes, base64, leaf to root.</summary>
    [JsonPropertyName("proof")]
    public required IReadOnlyList<string> Proof { get; init; }

    /// <summary>The signed checkpoint (C2SP signed note).</summary>
    [JsonPropertyName("checkpoint")]
    public required string Checkpoint { get; init; }
}
