using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace GovernedCrm.Benchmarks;

/// <summary>
/// SHA-256 through OpenSSL's SHA256_Init / SHA256_Update / SHA256_Final, for the floor: the verifier hashes
/// this way where it can (GovernedCrm.Audit's OpenSslSha256), so the floor must too, or the ratio would flatter
/// the verifier. Linux only; checked against <see cref="SHA256"/> before use.
/// </summary>
internal static class OpenSslSha256Floor
{
    private const string Library = "libcrypto.so.3";

    private static readonly Lazy<bool> Usable = new(Probe);

    public static bool IsAvailable => Usable.Value;

    public static void Hash(byte[] context, ReadOnlySpan<byte> data, Span<byte> destination)
    {
        ref var ctx = ref MemoryMarshal.GetArrayDataReference(context);
        if (Init(ref ctx) != 1 || Update(ref ctx, in MemoryMarshal.GetReference(data), (nuint)data.Length) != 1
            || Final(ref MemoryMarshal.GetReference(destination), ref ctx) != 1)
        {
            throw new CryptographicException("OpenSSL SHA-256 failed.");
        }
    }

    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            var context = new byte[256];
            var data = new byte[1000];
            new Random(1).NextBytes(data);
            var ours = new byte[32];
            Hash(context, data, ours);
            return ours.AsSpan().SequenceEqual(SHA256.HashData(data));
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport(Library, EntryPoint = "SHA256_Init", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Init(ref byte context);

    [DllImport(Library, EntryPoint = "SHA256_Update", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Update(ref byte context, in byte data, nuint length);

    [DllImport(Library, EntryPoint = "SHA256_Final", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Final(ref byte digest, ref byte context);
}
