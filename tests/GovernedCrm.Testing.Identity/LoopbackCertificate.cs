using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace GovernedCrm.Testing.Identity;

/// <summary>A self-signed ECDSA P-256 server certificate for IP 127.0.0.1, generated at test time and valid for a day.</summary>
public static class LoopbackCertificate
{
    /// <summary>Creates the certificate (with its private key).</summary>
    /// <returns>The certificate; dispose it.</returns>
    public static X509Certificate2 Create()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = TimeProvider.System.GetUtcNow();
        return request.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));
    }

    /// <summary>Writes the certificate and its private key as PEM files.</summary>
    /// <param name="certificate">The certificate with an ECDSA private key.</param>
    /// <param name="certificatePath">Where the certificate PEM goes.</param>
    /// <param name="keyPath">Where the PKCS#8 private key PEM goes.</param>
    public static void WritePem(X509Certificate2 certificate, string certificatePath, string keyPath)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using var key = certificate.GetECDsaPrivateKey() ?? throw new ArgumentException("The certificate has no ECDSA private key.", nameof(certificate));
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>A handler that trusts exactly one certificate (by SHA-256 hash) and nothing else, not even the system roots.</summary>
    /// <param name="certificate">The pinned certificate.</param>
    /// <returns>The handler.</returns>
    public static HttpClientHandler PinnedHandler(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var pinned = certificate.GetCertHash(HashAlgorithmName.SHA256);
        return new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, presented, _, _) =>
                presented is not null && CryptographicOperations.FixedTimeEquals(presented.GetCertHash(HashAlgorithmName.SHA256), pinned),
        };
    }
}
