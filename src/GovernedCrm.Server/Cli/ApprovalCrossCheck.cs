using GovernedCrm.Hosting.Adapters;
using GovernedCrm.Store;

namespace GovernedCrm.Server.Cli;

/// <summary>
/// Holds the approval queue against the audit chain, read-only: every decided proposal must agree with the decision
/// entry the chain holds for it (who decided, who asked, the tool, and the digest of the arguments the queue would
/// run). A row that disagrees was changed outside the server: <c>verify</c> names it and fails.
/// </summary>
internal static class ApprovalCrossCheck
{
    /// <summary>Checks the queue of the data folder's governance database, if there is one.</summary>
    /// <param name="governanceDatabasePath">The governance database (absent: nothing to check).</param>
    /// <param name="auditDatabasePath">The audit database.</param>
    /// <param name="tenant">Only this tenant's proposals, when set.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>How many decided proposals were checked, and those that disagree.</returns>
    public static async Task<ApprovalCrossCheckReport> RunAsync(string governanceDatabasePath, string auditDatabasePath, string? tenant, CancellationToken cancellationToken)
    {
        if (!File.Exists(governanceDatabasePath))
        {
            return new ApprovalCrossCheckReport(0, []);
        }

        var evidence = new ChainApprovalEvidence(auditDatabasePath);
        var checkedRows = 0;
        var disagreeing = new List<ApprovalDisagreement>();
        foreach (var row in await ApprovalSnapshot.ReadAsync(governanceDatabasePath, tenant, cancellationToken).ConfigureAwait(false))
        {
            if (row.Status is ApprovalStatus.Pending or ApprovalStatus.Expired)
            {
                continue;
            }

            checkedRows++;
            var entry = await evidence.FindDecisionAsync(row, cancellationToken).ConfigureAwait(false);
            if (ApprovalEvidenceCheck.Disagreement(row, entry) is { } reason)
            {
                disagreeing.Add(new ApprovalDisagreement(row.Id, row.Tenant, reason));
            }
        }

        return new ApprovalCrossCheckReport(checkedRows, disagreeing);
    }
}

/// <summary>What the cross-check of the approval queue found.</summary>
/// <param name="Checked">Decided proposals checked.</param>
/// <param name="Disagreeing">Those that disagree with the chain.</param>
internal sealed record ApprovalCrossCheckReport(int Checked, IReadOnlyList<ApprovalDisagreement> Disagreeing);

/// <summary>One proposal whose queue row disagrees with the chain.</summary>
/// <param name="ApprovalId">The approval id.</param>
/// <param name="Tenant">Its tenant.</param>
/// <param name="Reason">How it disagrees.</param>
internal sealed record ApprovalDisagreement(string ApprovalId, string Tenant, string Reason);
