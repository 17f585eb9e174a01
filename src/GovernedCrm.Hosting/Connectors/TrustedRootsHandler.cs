using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace GovernedCrm.Hosting.Connectors;

/// <summary>
/// The HTTP handler of this server's OAuth and CRM clients: the system's certificate validation, plus, when the
/// connectors file lists <c>trustedCertificates</c>, chains that end at one of those roots (a private CA or a test
/// provider). Validation is never switched off, and the extra roots apply to these clients only.
/// </summary>
internal static class TrustedRootsHandler
{
    public static SocketsHttpHandler Create(IReadOnlyList<string> pemFiles)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        if (pemFiles.Count == 0)
        {
            return handler;
        }

        var roots = new X509Certificate2Collection();
        foreach (var file in pemFiles)
        {
            roots.ImportFromPemFile(file);
        }

        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            if (errors == SslPolicyErrors.None)
            {
                return true;
            }

            if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            using var leaf = new X509Certificate2(certificate);
            return chain.Build(leaf);
        };
        return handler;
    }
}
