using Microsoft.Data.Sqlite;

namespace GovernedCrm.Server.Cli;

/// <summary>The chains an audit database holds (one per tenant), read without changing anything: entries, heads or checkpoints.</summary>
internal static class AuditChains
{
    /// <summary>The code of <c>verify --tenant NAME</c> when no chain has that name (exit 2).</summary>
    public const string UnknownChainCode = "audit.unknown_chain";

    public static async Task<IReadOnlyList<string>> ListAsync(string databasePath, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString());
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                // Every table that names a chain: a chain whose head row was removed is still found (and then fails verification).
                command.CommandText = "SELECT chain FROM audit_heads UNION SELECT chain FROM audit_entries UNION SELECT chain FROM audit_checkpoints ORDER BY chain";
                var chains = new List<string>();
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        chains.Add(reader.GetString(0));
                    }
                }

                return chains;
            }
        }
    }

    /// <summary>The one-line error naming the chains that exist.</summary>
    public static string UnknownChain(string tenant, IReadOnlyList<string> chains) =>
        chains.Count == 0
            ? $"there is no audit chain for tenant '{tenant}': the audit trail has no chains yet"
            : $"there is no audit chain for tenant '{tenant}'; chains: {string.Join(", ", chains)}";
}
