using System.Text.Json;
using System.Text.Json.Serialization;

namespace GovernedCrm.Audit.Tests.Merkle;

/// <summary>
/// The transparency-dev/merkle proof vectors in TestData/merkle (copied to the output folder).
/// Sizes and indices are uint64 there: values above <see cref="long.MaxValue"/> (e.g. 0 - 1) become negative
/// longs, which the verifiers must reject just as they reject the wrapped-around uint64.
/// </summary>
internal static class MerkleTestVectors
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "TestData", "merkle");

    /// <summary>The vector files under <paramref name="kind"/> ("inclusion" or "consistency"), as paths relative to <see cref="Directory"/>.</summary>
    public static IReadOnlyList<string> Files(string kind) =>
        System.IO.Directory.EnumerateFiles(Path.Combine(Directory, kind), "*.json", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Directory, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToArray();

    public static InclusionVector LoadInclusion(string relativePath) => Load<InclusionVector>(relativePath);

    public static ConsistencyVector LoadConsistency(string relativePath) => Load<ConsistencyVector>(relativePath);

    private static T Load<T>(string relativePath)
    {
        var json = File.ReadAllBytes(Path.Combine(Directory, relativePath));
        return JsonSerializer.Deserialize<T>(json) ?? throw new InvalidDataException($"{relativePath} is empty.");
    }
}

internal sealed class InclusionVector
{
    [JsonPropertyName("leafIdx")]
    public ulong LeafIndex { get; init; }

    [JsonPropertyName("treeSize")]
    public ulong TreeSize { get; init; }

    [JsonPropertyName("root")]
    public byte[] Root { get; init; } = [];

    [JsonPropertyName("leafHash")]
    public byte[] LeafHash { get; init; } = [];

    [JsonPropertyName("proof")]
    public byte[][]? Proof { get; init; }

    [JsonPropertyName("desc")]
    public string Description { get; init; } = "";

    [JsonPropertyName("wantErr")]
    public bool WantError { get; init; }

    public long Index => unchecked((long)LeafIndex);

    public long Size => unchecked((long)TreeSize);

    public IReadOnlyList<byte[]> ProofOrEmpty => Proof ?? [];
}

internal sealed class ConsistencyVector
{
    [JsonPropertyName("size1")]
    public ulong Size1Raw { get; init; }

    [JsonPropertyName("size2")]
    public ulong Size2Raw { get; init; }

    [JsonPropertyName("root1")]
    public byte[] Root1 { get; init; } = [];

    [JsonPropertyName("root2")]
    public byte[] Root2 { get; init; } = [];

    [JsonPropertyName("proof")]
    public byte[][]? Proof { get; init; }

    [JsonPropertyName("desc")]
    public string Description { get; init; } = "";

    [JsonPropertyName("wantErr")]
    public bool WantError { get; init; }

    public long Size1 => unchecked((long)Size1Raw);

    public long Size2 => unchecked((long)Size2Raw);

    public IReadOnlyList<byte[]> ProofOrEmpty => Proof ?? [];
}
