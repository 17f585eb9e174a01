using System.Security.Cryptography;

namespace GovernedCrm.Governance.Approvals;

/// <summary>Creates unguessable ids for approvals and bulk decisions.</summary>
public static class ApprovalIds
{
    /// <summary>The prefix of an approval id.</summary>
    public const string ApprovalPrefix = "apr_";

    /// <summary>The prefix of a bulk decision id.</summary>
    public const string BulkPrefix = "bulk_";

    private const int RandomBytes = 12;

    /// <summary>A new approval id: "apr_" and 24 lowercase hex digits from a cryptographic random source.</summary>
    /// <returns>The id.</returns>
    public static string New() => ApprovalPrefix + RandomHex();

    /// <summary>A new bulk decision id: "bulk_" and 24 lowercase hex digits from a cryptographic random source.</summary>
    /// <returns>The id.</returns>
    public static string NewBulk() => BulkPrefix + RandomHex();

    private static string RandomHex() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(RandomBytes));
}
