using System.Security.Cryptography;

namespace GovernedCrm.Governance.Policy.Evaluation;

/// <summary>A policy's version: "sha256:" and the first 16 lowercase hex digits of the SHA-256 of the file's exact bytes.</summary>
internal static class PolicyVersion
{
    /// <summary>The version of a policy file.</summary>
    public static string Of(ReadOnlySpan<byte> fileBytes) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(fileBytes))[..16];
}
