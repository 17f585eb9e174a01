using GovernedCrm.Audit.Checkpoints;

namespace GovernedCrm.Hosting;

/// <summary>Finds the audit public key for the CLI verbs and the Audit.VerifyChain tool, without ever creating a key (the server creates it on its first start).</summary>
internal static class AuditKeys
{
    public static string ResolveVerifierKey(string? option, AuditPaths paths)
    {
        if (!string.IsNullOrWhiteSpace(option))
        {
            return File.Exists(option) ? File.ReadAllText(option).Trim() : option.Trim();
        }

        return ReadPublicKey(paths);
    }

    public static string ReadPublicKey(AuditPaths paths)
    {
        if (!File.Exists(paths.KeyFilePath))
        {
            throw new StartupException($"there is no audit signing key at {paths.KeyFilePath} (run the server once, or pass --pubkey)");
        }

        try
        {
            using var key = AuditSigningKey.LoadExisting(paths.KeyFilePath, AuditTrailFactory.KeyName);
            return key.VerifierKey;
        }
        catch (AuditKeyException ex)
        {
            throw new StartupException(ex.Message, ex);
        }
    }
}
