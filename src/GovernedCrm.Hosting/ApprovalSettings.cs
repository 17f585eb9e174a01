using GovernedCrm.Store;

namespace GovernedCrm.Hosting;

/// <summary>The approval queue's settings and store: <c>GOVERNEDCRM_APPROVAL_TTL</c>, and <c>governance.db</c> in the data folder.</summary>
internal static class ApprovalSettings
{
    public const string TtlEnvironmentVariable = ApprovalOptions.TtlEnvironmentVariable;

    /// <summary>The approval options from the environment.</summary>
    /// <returns>The options (24 h expiry unless <c>GOVERNEDCRM_APPROVAL_TTL</c> says otherwise; no decision wait unless <c>GOVERNEDCRM_APPROVAL_WAIT</c> sets one).</returns>
    /// <exception cref="StartupException">The TTL is not valid.</exception>
    public static ApprovalOptions Resolve()
    {
        try
        {
            return ApprovalOptions.FromEnvironment(
                Environment.GetEnvironmentVariable(TtlEnvironmentVariable), Environment.GetEnvironmentVariable(ApprovalOptions.WaitEnvironmentVariable));
        }
        catch (FormatException ex)
        {
            throw new StartupException(ex.Message, ex);
        }
    }

    /// <summary>Opens (creating or migrating) the data folder's governance database and its approval store.</summary>
    /// <param name="folder">The data folder.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The store.</returns>
    /// <exception cref="StartupException">The governance database is unusable (corrupt, too new, not a governance database).</exception>
    public static async Task<SqliteApprovalStore> OpenStoreAsync(DataFolder folder, CancellationToken cancellationToken)
    {
        try
        {
            return await SqliteApprovalStore.OpenAsync(folder.Path, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            throw new StartupException(ex.Message, ex);
        }
    }
}
