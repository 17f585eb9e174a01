using System.Runtime.CompilerServices;
using GovernedCrm.Audit.Store;

namespace GovernedCrm.Audit.Entries;

/// <summary>Streams decoded entries from an audit database, read-only, in chain and sequence order (for export and tests).</summary>
public static class AuditEntryReader
{
    /// <summary>Reads entries.</summary>
    /// <param name="databasePath">The audit database.</param>
    /// <param name="chain">Only this chain, when set.</param>
    /// <param name="sinceSequence">Only entries from this sequence on.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entries; a body that does not decode ends the stream with <see cref="InvalidDataException"/> (run verify).</returns>
    public static async IAsyncEnumerable<AuditEntry> ReadAsync(
        string databasePath, string? chain, long sinceSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await AuditReadConnection.OpenAsync(databasePath, cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT chain, seq, body FROM audit_entries WHERE ($chain IS NULL OR chain = $chain) AND seq >= $since ORDER BY chain, seq";
        command.Parameters.AddWithValue("$chain", (object?)chain ?? DBNull.Value);
        command.Parameters.AddWithValue("$since", sinceSequence);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return Decode(reader.GetString(0), reader.GetInt64(1), reader.GetFieldValue<byte[]>(2));
        }
    }

    /// <summary>Decodes a stored body for a reader that cannot go on without it.</summary>
    /// <exception cref="InvalidDataException">The body does not decode (run verify).</exception>
    internal static AuditEntry Decode(string chain, long sequence, byte[] body) =>
        AuditEntryCodec.TryDecode(body, out var entry, out var error)
            ? entry!
            : throw new InvalidDataException($"The audit entry {chain}/{sequence} cannot be decoded ({error}); run governed-crm verify.");
}
