namespace GovernedCrm.Governance.Approvals;

/// <summary>The stable lowercase names of <see cref="ApprovalStatus"/> values, as stored and printed ("pending", "approved", …).</summary>
public static class ApprovalStatusNames
{
    /// <summary>The name of a status.</summary>
    /// <param name="status">The status.</param>
    /// <returns>Its lowercase name.</returns>
    public static string ToName(this ApprovalStatus status) => status switch
    {
        ApprovalStatus.Pending => "pending",
        ApprovalStatus.Approved => "approved",
        ApprovalStatus.Rejected => "rejected",
        ApprovalStatus.Expired => "expired",
        ApprovalStatus.Executing => "executing",
        ApprovalStatus.Executed => "executed",
        ApprovalStatus.Failed => "failed",
        ApprovalStatus.Stale => "stale",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown approval status."),
    };

    /// <summary>Parses a status name.</summary>
    /// <param name="name">The lowercase name.</param>
    /// <param name="status">The status, when the name is one.</param>
    /// <returns>True when the name is a status.</returns>
    public static bool TryParse(string? name, out ApprovalStatus status)
    {
        foreach (var candidate in Enum.GetValues<ApprovalStatus>())
        {
            if (string.Equals(candidate.ToName(), name, StringComparison.Ordinal))
            {
                status = candidate;
                return true;
            }
        }

        status = default;
        return false;
    }
}
