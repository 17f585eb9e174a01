using System.Security.Cryptography;

namespace GovernedCrm.Audit.Verification;

/// <summary>
/// The one implementation of the RFC 6962 hash framing: a leaf hash is SHA-256(0x00 ‖ data), an interior node
/// hash is SHA-256(0x01 ‖ left ‖ right). <see cref="MerkleHasher"/>, the writer and the verifier all hash through
/// it. It allocates nothing per hash: it goes through <see cref="OpenSslSha256"/> where that is available,
/// otherwise through one reused <see cref="IncrementalHash"/>; short inputs are copied behind their prefix into
/// a scratch buffer and hashed in one update. Not thread-safe: one per thread.
/// </summary>
internal sealed class TreeHasher : IDisposable
{
    private const int HashSize = MerkleHasher.HashSize;
    private const byte LeafPrefix = 0x00;
    private const byte NodePrefix = 0x01;

    /// <summary>Inputs (with their prefix) up to this size are copied into the scratch buffer and hashed in one update.</summary>
    private const int ScratchSize = 4096;

    private readonly byte[] _scratch = new byte[ScratchSize];
    private readonly byte[]? _openSsl;
    private IncrementalHash _sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <param name="nativeCalls">Use <see cref="OpenSslSha256"/> when it is available.</param>
    public TreeHasher(bool nativeCalls = true) => _openSsl = nativeCalls && OpenSslSha256.IsAvailable ? new byte[OpenSslSha256.ContextSize] : null;

    /// <summary>SHA-256(0x00 ‖ <paramref name="data"/>) into the first 32 bytes of <paramref name="destination"/>, which may overlap the data.</summary>
    public void Leaf(ReadOnlySpan<byte> data, Span<byte> destination) => Framed(LeafPrefix, data, [], destination);

    /// <summary>SHA-256(0x01 ‖ <paramref name="left"/> ‖ <paramref name="right"/>) into the first 32 bytes of <paramref name="destination"/>, which may overlap either input.</summary>
    public void Node(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination) => Framed(NodePrefix, left, right, destination);

    public void Dispose() => _sha.Dispose();

    /// <summary>SHA-256(prefix ‖ first ‖ second); every input is read before the destination is written.</summary>
    private void Framed(byte prefix, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, Span<byte> destination)
    {
        var scratch = _scratch.AsSpan();
        scratch[0] = prefix;
        var length = 1 + first.Length + second.Length;
        if (length <= ScratchSize)
        {
            first.CopyTo(scratch[1..]);
            second.CopyTo(scratch[(1 + first.Length)..]);
            Hash(scratch[..length], [], [], destination);
        }
        else
        {
            Hash(scratch[..1], first, second, destination);
        }
    }

    private void Hash(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, ReadOnlySpan<byte> third, Span<byte> destination)
    {
        if (_openSsl is not null)
        {
            OpenSslSha256.Hash(_openSsl, first, second, third, destination);
            return;
        }

        try
        {
            _sha.AppendData(first);
            _sha.AppendData(second);
            _sha.AppendData(third);
            _sha.GetHashAndReset(destination[..HashSize]);
        }
        catch
        {
            // Never leave a half-fed hash behind for the next call.
            Reset();
            throw;
        }
    }

    private void Reset()
    {
        _sha.Dispose();
        _sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    }
}
