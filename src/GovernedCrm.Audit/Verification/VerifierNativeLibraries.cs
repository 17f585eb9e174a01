using System.Reflection;
using System.Runtime.InteropServices;

namespace GovernedCrm.Audit.Verification;

/// <summary>
/// Binds the verifier's two optional native fast paths (<see cref="OpenSslSha256"/> and
/// <see cref="SqliteColumns"/>) to libraries that are already part of the process: the logical library names
/// of their P/Invokes resolve to the handles their probes found, and to nothing otherwise (the call then fails
/// with <see cref="DllNotFoundException"/> and the probe reports the fast path unavailable). One resolver per
/// assembly is all .NET allows, so both share this one.
/// </summary>
internal static class VerifierNativeLibraries
{
    public const string Crypto = "governedcrm-verifier-crypto";
    public const string Sqlite = "governedcrm-verifier-sqlite";

    private static readonly Lock Gate = new();
    private static bool s_registered;
    private static IntPtr s_crypto;
    private static IntPtr s_sqlite;

    /// <summary>Makes <paramref name="logicalName"/> resolve to <paramref name="library"/>.</summary>
    public static void Bind(string logicalName, IntPtr library)
    {
        lock (Gate)
        {
            if (logicalName == Crypto)
            {
                s_crypto = library;
            }
            else
            {
                s_sqlite = library;
            }

            if (!s_registered)
            {
                NativeLibrary.SetDllImportResolver(typeof(VerifierNativeLibraries).Assembly, Resolve);
                s_registered = true;
            }
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) => name switch
    {
        Crypto => s_crypto,
        Sqlite => s_sqlite,
        _ => IntPtr.Zero,
    };
}
