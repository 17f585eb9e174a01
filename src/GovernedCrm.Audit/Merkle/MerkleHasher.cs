using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using GovernedCrm.Audit.Verification;

namespace GovernedCrm.Audit.Merkle;

/// <summary>
/// The RFC 6962 / RFC 9162 Merkle tree hash with SHA-256: a leaf hash is SHA-256(0x00 ‖ data), an interior
/// node hash is SHA-256(0x01 ‖ left ‖ right), and the root of the empty tree is SHA-256 of the empty string.
/// </summary>
/// <remarks>
/// The framing itself is <see cref="TreeHasher"/>'s (the one implementation the writer and the verifier use too);
/// each thread reuses one, so the span overloads do not allocate.
/// </remarks>
public static class MerkleHasher
{
    /// <summary>The size of every hash, in bytes (SHA-256).</summary>
    public const int HashSize = 32;

    private static readonly byte[] EmptyRootBytes = SHA256.HashData(ReadOnlySpan<byte>.Empty);

    [ThreadStatic]
    private static TreeHasher? t_hasher;

    /// <summary>
    /// The root of the empty tree: SHA-256 of the empty string
    /// (e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855). Each call returns a new copy.
    /// </summary>
    [SuppressMessage("Performance", "CA1819:Properties should not return arrays", Justification = "Part of the agreed API; every call returns a fresh copy.")]
    public static byte[] EmptyRoot => (byte[])EmptyRootBytes.Clone();

    /// <summary>The root of the empty tree, without a copy.</summary>
    internal static ReadOnlySpan<byte> EmptyRootSpan => EmptyRootBytes;

    private static TreeHasher Hasher => t_hasher ??= new TreeHasher();

    /// <summary>Computes the RFC 6962 leaf hash SHA-256(0x00 ‖ <paramref name="data"/>).</summary>
    /// <param name="data">The leaf data (for the audit log, an entry body).</param>
    /// <returns>A new 32-byte array.</returns>
    public static byte[] LeafHash(ReadOnlySpan<byte> data)
    {
        var hash = new byte[HashSize];
        Hasher.Leaf(data, hash);
        return hash;
    }

    /// <summary>Computes the RFC 6962 leaf hash SHA-256(0x00 ‖ <paramref name="data"/>) without allocating.</summary>
    /// <param name="data">The leaf data.</param>
    /// <param name="destination">Receives the hash in its first 32 bytes; it may overlap <paramref name="data"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 32 bytes.</exception>
    public static void LeafHash(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        CheckDestination(destination);
        Hasher.Leaf(data, destination);
    }

    /// <summary>Computes the RFC 6962 interior node hash SHA-256(0x01 ‖ <paramref name="left"/> ‖ <paramref name="right"/>).</summary>
    /// <param name="left">The left child's hash.</param>
    /// <param name="right">The right child's hash.</param>
    /// <returns>A new 32-byte array.</returns>
    public static byte[] NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        var hash = new byte[HashSize];
        Hasher.Node(left, right, hash);
        return hash;
    }

    /// <summary>
    /// Computes the RFC 6962 interior node hash SHA-256(0x01 ‖ <paramref name="left"/> ‖ <paramref name="right"/>)
    /// without allocating.
    /// </summary>
    /// <param name="left">The left child's hash.</param>
    /// <param name="right">The right child's hash.</param>
    /// <param name="destination">Receives the hash in its first 32 bytes; it may overlap either input.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 32 bytes.</exception>
    public static void NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination)
    {
        CheckDestination(destination);
        Hasher.Node(left, right, destination);
    }

    private static void CheckDestination(Span<byte> destination)
    {
        if (destination.Length < HashSize)
        {
            throw new ArgumentException("The destination must hold at least 32 bytes.", nameof(destination));
        }
    }
}
