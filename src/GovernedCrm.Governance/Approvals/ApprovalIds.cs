using System.Security.Cryptography;

namespace GovernedCrm.Governance.Approvals;

/// <summary>Approval ids: "apr_" and 24 random lowercase hex digits, so they cannot be guessed.</summary>
public static class ApprovalIds
{
    /// <summary>A new approval id.</summary>
    /// <returns>The id.</returns>
    public static string New() => "apr_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    /// <summary>A new bulk decision id.</summary>
    /// <returns>The id.</returns>
    public static string NewBulk() => "bulk_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
}
