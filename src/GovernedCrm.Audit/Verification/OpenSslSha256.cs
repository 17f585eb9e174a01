using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace GovernedCrm.Audit.Verification;

/// <summary>
/// SHA-256 through OpenSSL's SHA256_Init / SHA256_Update / SHA256_Final, the library .NET itself uses for
/// hashing on Linux. For inputs of a few hundred bytes these are three to four times faster than
/// <see cref="IncrementalHash"/>, whose EVP calls cost more than the hashing; the verifier hashes two such
/// inputs per entry. Used only where the functions exist and a self-test against <see cref="SHA256"/> passes
/// (which also checks that the context fits its buffer); everywhere else the verifier uses
/// <see cref="IncrementalHash"/>. Same function, same results: only the cost differs.
/// </summary>
internal static class OpenSslSha256
{
    /// <summary>Room for OpenSSL's SHA256_CTX (112 bytes in every version) with a guard area after it.</summary>
    public const int ContextSize = 256;

    private const int KnownContextSize = 112;

    /// <summary>Inputs up to this size hash in a few microseconds at most: short enough to skip the GC transition.</summary>
    private const int ShortInput = 4096;
    private const byte Guard = 0xA5;

    private static readonly Lazy<bool> Usable = new(Probe, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>True when the functions are there and agree with <see cref="SHA256"/>.</summary>
    public static bool IsAvailable => Usable.Value;

    /// <summary>SHA-256(<paramref name="first"/> ‖ <paramref name="second"/> ‖ <paramref name="third"/>) into <paramref name="destination"/>[..32].</summary>
    /// <param name="context">A buffer of <see cref="ContextSize"/> bytes owned by the calling thread.</param>
    /// <param name="first">The first part of the input.</param>
    /// <param name="second">The second part.</param>
    /// <param name="third">The rest of the input.</param>
    /// <param name="destination">Receives the hash.</param>
    public static void Hash(byte[] context, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, ReadOnlySpan<byte> third, Span<byte> destination)
    {
        ref var ctx = ref MemoryMarshal.GetArrayDataReference(context);
        if (Init(ref ctx) != 1 || !Append(ref ctx, first) || !Append(ref ctx, second) || !Append(ref ctx, third)
            || Final(ref MemoryMarshal.GetReference(destination[..32]), ref ctx) != 1)
        {
            throw new CryptographicException("OpenSSL SHA-256 failed.");
        }
    }

    private static bool Append(ref byte context, ReadOnlySpan<byte> data) =>
        data.IsEmpty
        || (data.Length <= ShortInput
            ? UpdateShort(ref context, in MemoryMarshal.GetReference(data), (nuint)data.Length)
            : Update(ref context, in MemoryMarshal.GetReference(data), (nuint)data.Length)) == 1;

    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            foreach (var name in (ReadOnlySpan<string>)["libcrypto.so.3", "libcrypto.so.1.1", "libcrypto.so"])
            {
                if (NativeLibrary.TryLoad(name, out var library)
                    && NativeLibrary.TryGetExport(library, "SHA256_Init", out _)
                    && NativeLibrary.TryGetExport(library, "SHA256_Update", out _)
                    && NativeLibrary.TryGetExport(library, "SHA256_Final", out _))
                {
                    VerifierNativeLibraries.Bind(VerifierNativeLibraries.Crypto, library);
                    return SelfTest();
                }
            }
        }
#pragma warning disable CA1031 // Any failure to bind or to agree means: use IncrementalHash.
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        return false;
    }

    /// <summary>Every length around the block boundaries and some long ones, against SHA256.HashData; the guard area must stay untouched.</summary>
    private static bool SelfTest()
    {
        var context = new byte[ContextSize];
        context.AsSpan(KnownContextSize).Fill(Guard);
        var data = new byte[5000];
        new Random(6962).NextBytes(data);
        Span<byte> ours = stackalloc byte[32];
        Span<byte> reference = stackalloc byte[32];
        for (var length = 0; length <= data.Length; length = length < 300 ? length + 1 : length * 2)
        {
            var input = data.AsSpan(0, Math.Min(length, data.Length));
            var split = input.Length / 3;
            Hash(context, input[..split], input[split..(2 * split)], input[(2 * split)..], ours);
            SHA256.HashData(input, reference);
            if (!ours.SequenceEqual(reference) || context.AsSpan(KnownContextSize).ContainsAnyExcept(Guard))
            {
                return false;
            }
        }

        return true;
    }

    // Init, Final and short updates are brief, never block and never call back: no GC transition needed.
    [DllImport(VerifierNativeLibraries.Crypto, EntryPoint = "SHA256_Init", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    [SuppressGCTransition]
    private static extern int Init(ref byte context);

    [DllImport(VerifierNativeLibraries.Crypto, EntryPoint = "SHA256_Update", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    [SuppressGCTransition]
    private static extern int UpdateShort(ref byte context, in byte data, nuint length);

    [DllImport(VerifierNativeLibraries.Crypto, EntryPoint = "SHA256_Update", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Update(ref byte context, in byte data, nuint length);

    [DllImport(VerifierNativeLibraries.Crypto, EntryPoint = "SHA256_Final", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    [SuppressGCTransition]
    private static extern int Final(ref byte digest, ref byte context);
}
