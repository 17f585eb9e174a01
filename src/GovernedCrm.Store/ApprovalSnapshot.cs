using Dapper;
using GovernedCrm.Governance.Approvals;

namespace GovernedCrm.Store;

/// <summary>
/// Reads the approval queue of a governance database read-only, without creating or migrating anything: for
/// checks that must not change what they check (<c>governed-crm verify</c>).
/// </summary>
public static class ApprovalSnapshot
{
    /// <summary>Every proposal, optionally of one tenant, oldest first.</summary>
    /// <param name="databasePath">The governance database.</param>
    /// <param name="tenant">Only this tenant's proposals, when set.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The proposals; none when the file holds no approval queue.</returns>
    public static async Task<IReadOnlyList<ApprovalRequest>> ReadAsync(string databasePath, string? tenant, CancellationToken cancellationToken)
    {
        await using var connection = await GovernanceDatabase.ForReading(databasePath).OpenAsync(cancellationToken).ConfigureAwait(false);
        var columns = (await connection.QueryAsync<string>(new CommandDefinition("SELECT name FROM pragma_table_info('approvals')", cancellationToken: cancellationToken)).ConfigureAwait(false))
            .ToHashSet(StringComparer.Ordinal);
        if (columns.Count == 0)
        {
            return [];
        }

        // A queue from before the decision's position was kept reads as having none.
        var select = columns.Contains("decision_seq") ? ApprovalRow.Columns : ApprovalRow.Columns.Replace("decision_seq AS", "NULL AS", StringComparison.Ordinal);
        var rows = await connection.QueryAsync<ApprovalRow>(new CommandDefinition(
            $"SELECT {select} FROM approvals WHERE (@tenant IS NULL OR tenant = @tenant) ORDER BY created_at, id",
            new { tenant },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => r.ToRequest())];
    }
}
