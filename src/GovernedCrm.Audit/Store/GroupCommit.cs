using System.Diagnostics;

namespace GovernedCrm.Audit.Store;

/// <summary>
/// Commits a group of queued entries, and the signed checkpoint notes waiting to be stored, in one BEGIN IMMEDIATE
/// transaction: each chain's head is re-read inside the transaction (so several processes sharing the file extend
/// one linear chain), each entry gets its header, hash and place in the Merkle frontier, and the heads are written
/// back. The group is acknowledged only once durable: at once when the commit flushed the WAL itself, otherwise
/// by <see cref="WalSyncer"/> after its flush, while the writer already commits the next group. A lock held by
/// another process is waited out (up to the busy-retry time); any other failure fails the whole group.
/// </summary>
internal sealed partial class GroupCommit
{
    private readonly AuditDatabase _database;
    private readonly WriterConnection _connection;
    private readonly CheckpointCadence _cadence;
    private readonly WalSyncer _syncer;
    private readonly WalCheckpointer _walCheckpointer;
    private readonly CheckpointExporter _exporter;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates the group commit.</summary>
    /// <param name="database">The audit database (its options: busy retry).</param>
    /// <param name="connection">The writer's connection.</param>
    /// <param name="cadence">Gets each chain's committed head; holds the notes to store.</param>
    /// <param name="syncer">Acknowledges groups after the WAL flush.</param>
    /// <param name="walCheckpointer">Counts committed entries towards the next WAL checkpoint.</param>
    /// <param name="exporter">Exports stored notes once durable.</param>
    /// <param name="time">Stamps entries.</param>
    /// <param name="logger">Logs retries and failures.</param>
    public GroupCommit(
        AuditDatabase database,
        WriterConnection connection,
        CheckpointCadence cadence,
        WalSyncer syncer,
        WalCheckpointer walCheckpointer,
        CheckpointExporter exporter,
        TimeProvider time,
        ILogger logger)
    {
        _database = database;
        _connection = connection;
        _cadence = cadence;
        _syncer = syncer;
        _walCheckpointer = walCheckpointer;
        _exporter = exporter;
        _time = time;
        _logger = logger;
    }

    /// <summary>Commits the group (possibly empty: then only the waiting notes) and hands it on for acknowledgement.</summary>
    /// <param name="batch">The entries, in queue order.</param>
    /// <returns>A task that completes when the group is committed or failed (not when it is acknowledged).</returns>
    public async Task CommitAsync(List<PendingEntry> batch)
    {
        // Nothing of a failed batch is committed, so retrying it while another process holds the lock is safe;
        // elapsed time is measured on the real clock because the injected one may be a test's frozen clock.
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var receipts = new AuditReceipt[batch.Count];
            var heads = new Dictionary<string, ChainHead>(StringComparer.Ordinal);
            var waitingNotes = _cadence.Notes;
            var notes = waitingNotes.Count;
            try
            {
                await _connection.OpenAsync().ConfigureAwait(false);
                using var transaction = _connection.Begin();
                var commands = _connection.Commands;

                var now = DateTimeOffset.FromUnixTimeMilliseconds(_time.GetUtcNow().ToUnixTimeMilliseconds());
                var millis = now.ToUnixTimeMilliseconds();
                for (var i = 0; i < batch.Count; i++)
                {
                    var record = batch[i].Record!;
                    var chain = record.Tenant;
                    if (!heads.TryGetValue(chain, out var head))
                    {
                        head = ChainHead.Read(commands, chain);
                        heads[chain] = head;
                    }

                    var sequence = head.Frontier.Size;
                    var body = batch[i].Body;
                    AuditEntryCodec.WriteHeader(body, sequence, now, head.Hash);
                    var hash = WriterHashes.Leaf(body);
                    commands.InsertEntry(sequence, millis, batch[i].Columns, body, hash);
                    receipts[i] = new AuditReceipt(chain, sequence, $"{chain}/{sequence}");
                    head.Frontier.Append(hash);
                    head.Hash = hash;
                }

                foreach (var (chain, head) in heads)
                {
                    commands.WriteHead(chain, head.Frontier.Size, head.Hash, head.Frontier.Save());
                }

                for (var i = 0; i < notes; i++)
                {
                    var note = waitingNotes[i];
                    commands.InsertCheckpoint(note.Chain, note.Size, note.Note, millis);
                }

                transaction.Commit();
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode is 5 or 6 && Stopwatch.GetElapsedTime(started) < _database.Options.BusyRetry)
            {
                LogAppendRetry(_logger, batch.Count);
                await _connection.ResetAsync().ConfigureAwait(false);
                await Task.Delay(TimeSpan.FromMilliseconds(20)).ConfigureAwait(false);
                continue;
            }
            catch (Exception ex) when (ex is SqliteException or InvalidDataException or IOException)
            {
                var reason = Describe(ex);
                LogAppendFailed(_logger, batch.Count, reason);
                await _connection.ResetAsync().ConfigureAwait(false);

                foreach (var pending in batch)
                {
                    pending.Fail(reason);
                }

                return;
            }

            foreach (var (chain, head) in heads)
            {
                _cadence.Committed(chain, head.Frontier);
            }

            // Acknowledgements, and checkpoint notes for the anchor file, leave only once the group is durable: at
            // once when the commit flushed the WAL itself, otherwise after the syncer's flush that covers it.
            var committed = new CommittedGroup(_connection.DeferredWal, [.. batch], receipts, _cadence.TakeStored(notes), _exporter, _logger);
            if (committed.Wal is null)
            {
                committed.Durable();
            }
            else
            {
                _syncer.Enqueue(committed);
            }

            _walCheckpointer.Committed(batch.Count);
            return;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit append of {Count} entries failed: {Reason}")]
    internal static partial void LogAppendFailed(ILogger logger, int count, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit append of {Count} entries waits for another process's lock; retrying")]
    private static partial void LogAppendRetry(ILogger logger, int count);

    private static string Describe(Exception ex) => ex switch
    {
        SqliteException { SqliteErrorCode: 5 or 6 } => "the audit database is locked by another process",
        SqliteException { SqliteErrorCode: 8 } => "the audit database is read-only",
        SqliteException { SqliteErrorCode: 13 } => "the disk is full",
        SqliteException { SqliteErrorCode: 11 or 26 } => "the audit database is corrupt",
        SqliteException => "the audit database failed",
        _ => "the audit chain head is damaged",
    };
}
