using System.Security.Cryptography;

namespace GovernedCrm.Audit.Verification;

/// <summary>
/// The RFC 6962 leaf and node hashes of <see cref="MerkleHasher"/> (SHA-256 over 0x00 ‖ data and
/// 0x01 ‖ left ‖ right), for one verifier thread, allocating nothing per hash: through
/// <see cref="OpenSslSha256"/> where it is available, otherwise one reused <see cref="IncrementalHash"/> fed
/// from a scratch buffer (one update and one final call per hash). Not thread-safe.
/// </summary>
internal sealed class TreeHasher : IDisposable
{
    private const int HashSize = MerkleHasher.HashSize;

    /// <summary>Bodies up to this size are copied behind their prefix and hashed in one update.</summary>
    private const int ScratchSize = 4096;

    private static readonly byte[] LeafPrefix = [0x00];

    private readonly byte[] _scratch = new byte[ScratchSize];
    private readonly byte[]? _openSsl;
    private IncrementalHash _sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <param name="nativeCalls">Use <see cref="OpenSslSha256"/> when it is available.</param>
    public TreeHasher(bool nativeCalls = true) => _openSsl = nativeCalls && OpenSslSha256.IsAvailable ? new byte[OpenSslSha256.ContextSize] : null;

    /// <summary>SHA-256(0x00 ‖ <paramref name="data"/>) into the first 32 bytes of <paramref name="destination"/>.</summary>
    public void Leaf(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        if (data.Length < ScratchSize)
        {
            _scratch[0] = 0x00;
            data.CopyTo(_scratch.AsSpan(1));
            Hash(_scratch.AsSpan(0, data.Length + 1), [], destination);
        }
        else
        {
            Hash(LeafPrefix, data, destination);
        }
    }

    /// <summary>SHA-256(0x01 ‖ <paramref name="left"/> ‖ <paramref name="right"/>); the destination may overlap either input.</summary>
    public void Node(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination)
    {
        var scratch = _scratch.AsSpan();
        scratch[0] = 0x01;
        left[..HashSize].CopyTo(scratch[1..]);
        right[..HashSize].CopyTo(scratch[(1 + HashSize)..]);
        Hash(scratch[..(1 + (2 * HashSize))], [], destination);
    }

    public void Dispose() => _sha.Dispose();

    private void Hash(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, Span<byte> destination)
    {
        if (_openSsl is not null)
        {
            OpenSslSha256.Hash(_openSsl, first, second, destination);
            return;
        }

        try
        {
            _sha.AppendData(first);
            _sha.AppendData(second);
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
