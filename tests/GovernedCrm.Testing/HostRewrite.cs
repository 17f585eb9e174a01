using GovernedCrm.Audit.Checkpoints;
using GovernedCrm.Audit.Entries;
using GovernedCrm.Audit.Merkle;
using GovernedCrm.Audit.Store;
using Microsoft.Data.Sqlite;

namespace GovernedCrm.Testing;

/// <summary>
/// The attack a host owner can make on the audit trail: a new signing key in place of the old one, the entries of a
/// chain from a position on rewritten and re-linked, every checkpoint in the database re-signed with the new key over
/// the new roots, the chain head updated, and the anchor file written again with the new notes. Plain <c>verify</c>
/// (trusting the key file in the data folder) finds nothing; only a copy off the host (a pinned key, a witness) can.
/// </summary>
public static class HostRewrite
{
    /// <summary>Rewrites the audit trail at <paramref name="paths"/> (the server must be stopped).</summary>
    /// <param name="paths">The audit database, key file and anchor file.</param>
    /// <param name="chain">The chain whose entries are rewritten.</param>
    /// <param name="from">The first entry rewritten (its reasoning changed); the ones before keep their bytes.</param>
    /// <param name="truncateTo">When set, the chain is also cut to this many entries (entries, checkpoints and anchor above it gone).</param>
    /// <returns>The new key's verifier key (what <c>audit pubkey</c> now prints).</returns>
    public static async Task<string> RewriteAsync(AuditPaths paths, string chain, long from, long? truncateTo = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        SqliteConnection.ClearAllPools();
        await using var connection = new SqliteConnection($"Data Source={paths.DatabasePath};Pooling=False");
        await connection.OpenAsync().ConfigureAwait(false);
        await ExecuteAsync(connection, "DROP TRIGGER IF EXISTS audit_entries_append_only_update; DROP TRIGGER IF EXISTS audit_entries_append_only_delete;").ConfigureAwait(false);
        if (truncateTo is { } cut)
        {
            await ExecuteAsync(connection, "DELETE FROM audit_entries WHERE chain = $c AND seq >= $n; DELETE FROM audit_checkpoints WHERE chain = $c AND size > $n;", ("$c", chain), ("$n", cut)).ConfigureAwait(false);
        }

        // Re-link the chain from the first rewritten entry on.
        var hashes = new List<byte[]>();
        var rows = new List<(long Seq, byte[] Body)>();
        await using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT seq, body, entry_hash FROM audit_entries WHERE chain = $c ORDER BY seq";
            read.Parameters.AddWithValue("$c", chain);
            await using var reader = await read.ExecuteReaderAsync().ConfigureAwait(false);
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                rows.Add((reader.GetInt64(0), reader.GetFieldValue<byte[]>(1)));
                hashes.Add(reader.GetFieldValue<byte[]>(2));
            }
        }

        for (var i = (int)from; i < rows.Count; i++)
        {
            if (!AuditEntryCodec.TryDecode(rows[i].Body, out var entry, out var error))
            {
                throw new InvalidDataException(error);
            }

            var rewritten = entry! with { PreviousHash = i == 0 ? new byte[32] : hashes[i - 1], Record = entry.Record with { Reasoning = "rewritten by the host owner" } };
            var body = AuditEntryCodec.Encode(rewritten);
            hashes[i] = MerkleHasher.LeafHash(body);
            await ExecuteAsync(connection, "UPDATE audit_entries SET body = $b, entry_hash = $h WHERE chain = $c AND seq = $s", ("$b", body), ("$h", hashes[i]), ("$c", chain), ("$s", rows[i].Seq)).ConfigureAwait(false);
        }

        await ExecuteAsync(connection, "UPDATE audit_heads SET size = $n, head_hash = $h WHERE chain = $c", ("$n", (long)rows.Count), ("$h", rows.Count == 0 ? new byte[32] : hashes[^1]), ("$c", chain)).ConfigureAwait(false);

        // A new key in place of the old one, every checkpoint re-signed with it, and the anchor written again.
        File.Delete(paths.KeyFilePath);
        using var key = AuditSigningKey.LoadOrCreate(paths.KeyFilePath, AuditTrailFactory.KeyName);
        var checkpoints = new List<(string Chain, long Size)>();
        await using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT chain, size FROM audit_checkpoints ORDER BY chain, size";
            await using var reader = await read.ExecuteReaderAsync().ConfigureAwait(false);
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                checkpoints.Add((reader.GetString(0), reader.GetInt64(1)));
            }
        }

        File.Delete(paths.AnchorPath);
        var anchor = new AnchorFile(paths.AnchorPath);
        foreach (var (name, size) in checkpoints)
        {
            var leaves = name == chain ? hashes : await LeafHashesAsync(connection, name).ConfigureAwait(false);
            var note = key.SignCheckpoint(new Checkpoint(AuditChains.Origin(name), size, MerkleProofs.RootFromLeafHashes(leaves.Take((int)size).ToList())));
            await ExecuteAsync(connection, "UPDATE audit_checkpoints SET note = $n WHERE chain = $c AND size = $s", ("$n", note), ("$c", name), ("$s", size)).ConfigureAwait(false);
            anchor.Append(note);
        }

        return key.VerifierKey;
    }

    private static async Task<List<byte[]>> LeafHashesAsync(SqliteConnection connection, string chain)
    {
        await using var read = connection.CreateCommand();
        read.CommandText = "SELECT entry_hash FROM audit_entries WHERE chain = $c ORDER BY seq";
        read.Parameters.AddWithValue("$c", chain);
        var hashes = new List<byte[]>();
        await using var reader = await read.ExecuteReaderAsync().ConfigureAwait(false);
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            hashes.Add(reader.GetFieldValue<byte[]>(0));
        }

        return hashes;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }
}
