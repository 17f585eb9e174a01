using GovernedCrm.Audit.Store;

namespace GovernedCrm.Audit.Checkpoints;

/// <summary>Reads a chain's signed checkpoints from the audit database, trusting only those the pinned key signed.</summary>
public static class ChainCheckpoints
{
    /// <summary>The newest checkpoint of <paramref name="chain"/> in the database validly signed by <paramref name="verifierKey"/>.</summary>
    /// <param name="databasePath">The audit database.</param>
    /// <param name="chain">The chain (tenant).</param>
    /// <param name="verifierKey">The audit public key.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The signed note and its checkpoint, or null when the chain has none yet.</returns>
    /// <exception cref="Microsoft.Data.Sqlite.SqliteException">The database is missing or unreadable.</exception>
    public static async Task<(string Note, Checkpoint Checkpoint)?> NewestAsync(string databasePath, string chain, string verifierKey, CancellationToken cancellationToken)
    {
        await using var connection = await AuditReadConnection.OpenAsync(databasePath, cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT note FROM audit_checkpoints WHERE chain = $chain ORDER BY size DESC";
        command.Parameters.AddWithValue("$chain", chain);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var origin = AuditChains.Origin(chain);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var note = reader.GetString(0);
            if (NoteVerifier.TryVerifyCheckpoint(note, verifierKey, out var checkpoint) && checkpoint!.Origin == origin)
            {
                return (note, checkpoint);
            }
        }

        return null;
    }

    /// <summary>The chains that have at least one checkpoint in the database, in order.</summary>
    /// <param name="databasePath">The audit database.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The chain names.</returns>
    /// <exception cref="Microsoft.Data.Sqlite.SqliteException">The database is missing or unreadable.</exception>
    public static async Task<IReadOnlyList<string>> ChainsAsync(string databasePath, CancellationToken cancellationToken)
    {
        await using var connection = await AuditReadConnection.OpenAsync(databasePath, cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT DISTINCT chain FROM audit_checkpoints ORDER BY chain";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var chains = new List<string>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            chains.Add(reader.GetString(0));
        }

        return chains;
    }
}
