using System.Diagnostics;
using System.Threading.Channels;
using GovernedCrm.Audit.Entries;
using GovernedCrm.Audit.Merkle;
using GovernedCrm.Governance.Audit;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace GovernedCrm.Audit.Store;

/// <summary>
/// The one writer of an audit database in this process. Callers queue entries; the writer commits them in
/// groups inside BEGIN IMMEDIATE transactions, re-reading each chain's head inside the transaction (so several
/// processes sharing the file extend one linear chain), and acknowledges each entry only after its commit is
/// durable: in WAL mode the commit writes the group's frames and <see cref="WalSyncer"/> flushes the WAL file
/// and then acknowledges, while this writer already commits the next group. After a commit it signs a checkpoint
/// every N entries or T seconds, and at shutdown; a checkpoint leaves for the anchor only once it is durable. While it
/// is idle, the search index catches up with the chain (<see cref="IdleIndexing"/>), never on the append path.
/// </summary>
public sealed partial class AuditWriter : IAuditTrail, IAsyncDisposable
{
    private static readonly byte[] ZeroHash = new byte[MerkleHasher.HashSize];

    private readonly AuditDatabase _database;
    private readonly ICheckpointPublisher _checkpoints;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(65_536) { SingleReader = true });
    private readonly Dictionary<string, ChainState> _chains = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;
    private Task? _ticker;
    private readonly IDisposable? _owned;
    private readonly List<SignedNote> _notes = [];
    private readonly CheckpointExporter _exporter;

    private readonly WalCheckpointer _walCheckpointer;
    private IdleIndexing? _indexing;
    private readonly WalSyncer _syncer;
    private SqliteConnection? _connection;
    private AuditBatchCommands? _commands;
    private bool _flushWal;
    private WalFile? _wal;
    private int _sinceWalCheckpoint;
    private int _disposed;
    private int _committing;

    /// <summary>Creates the writer; call <see cref="StartAsync"/> before appending.</summary>
    /// <param name="database">The audit database.</param>
    /// <param name="checkpoints">Signs and exports checkpoints.</param>
    /// <param name="time">Stamps entries and paces checkpoints.</param>
    /// <param name="logger">Logs failures and checkpoints.</param>
    /// <param name="owned">Disposed with the writer (the signing key).</param>
    public AuditWriter(AuditDatabase database, ICheckpointPublisher checkpoints, TimeProvider time, ILogger<AuditWriter> logger, IDisposable? owned = null)
    {
        _owned = owned;
        _database = database;
        _checkpoints = checkpoints;
        _time = time;
        _logger = logger;
        _exporter = new CheckpointExporter(checkpoints, logger);
        _walCheckpointer = new WalCheckpointer(database, logger);
        _syncer = new WalSyncer(logger);
    }

    /// <summary>Creates the schema if needed and starts the writer loop.</summary>
    /// <param name="cancellationToken">Cancels startup.</param>
    /// <returns>A task.</returns>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _database.InitializeAsync(cancellationToken).ConfigureAwait(false);
        _loop = Task.Run(RunAsync, CancellationToken.None);
        _ticker = Task.Run(TickAsync, CancellationToken.None);
        _indexing = new IdleIndexing(_database, () => Volatile.Read(ref _committing) != 0 || _queue.Reader.Count > 0, _logger);
    }

    /// <inheritdoc />
    public async ValueTask<AuditReceipt> AppendAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (_loop is null)
        {
            throw new AuditUnavailableException("The audit trail is not started.");
        }

        // The body (all but its header) and the column values are encoded here, on the caller's thread, off the
        // writer's critical path.
        var pending = new Pending(record, AuditEntryCodec.EncodeUnsequenced(AuditChains.Origin(record.Tenant), record));
        try
        {
            await _queue.Writer.WriteAsync(pending, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw new AuditUnavailableException("The audit trail is shutting down.");
        }

        return await pending.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops accepting entries, commits what is queued, signs final checkpoints.</summary>
    /// <returns>A task.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _queue.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_indexing is not null)
        {
            await _indexing.DisposeAsync().ConfigureAwait(false);
        }

        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
            if (_ticker is not null)
            {
                await _ticker.ConfigureAwait(false);
            }

            SignDueCheckpoints(force: true);
            if (_notes.Count > 0)
            {
                await CommitAsync([]).ConfigureAwait(false);
            }
        }

        // Every committed group is flushed and acknowledged (and its checkpoint notes queued) before the exporter drains.
        await _syncer.DisposeAsync().ConfigureAwait(false);
        await _exporter.DisposeAsync().ConfigureAwait(false);
        await _walCheckpointer.DisposeAsync().ConfigureAwait(false);
        await ResetConnectionAsync().ConfigureAwait(false);
        _stopping.Dispose();
        _owned?.Dispose();
    }

    private async Task RunAsync()
    {
        var batch = new List<Pending>(_database.Options.MaxBatch);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < _database.Options.MaxBatch && reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            var checkpointTick = batch.RemoveAll(p => p.IsTick) > 0;
            if (_connection is not null && _walCheckpointer.TakeCatchUp())
            {
                CatchUpWal();
            }

            if (batch.Count > 0)
            {
                Volatile.Write(ref _committing, 1);
                try
                {
                    await CommitAsync(batch).ConfigureAwait(false);
                }
                finally
                {
                    Volatile.Write(ref _committing, 0);
                }
            }

            SignDueCheckpoints(force: checkpointTick);

            // Signed notes ride along with the next batch; when nothing else is queued they are stored now.
            if (_notes.Count > 0 && (checkpointTick || reader.Count == 0))
            {
                await CommitAsync([]).ConfigureAwait(false);
            }
        }
    }

    private async Task TickAsync()
    {
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                await Task.Delay(_database.Options.CheckpointInterval, _time, _stopping.Token).ConfigureAwait(false);
                _queue.Writer.TryWrite(Pending.Tick);
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down: the final checkpoint is signed by DisposeAsync.
        }
    }

    private async Task CommitAsync(List<Pending> batch)
    {
        // Nothing of a failed batch is committed, so retrying it while another process holds the lock is safe;
        // elapsed time is measured on the real clock because the injected one may be a test's frozen clock.
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var receipts = new AuditReceipt[batch.Count];
            var heads = new Dictionary<string, ChainHead>(StringComparer.Ordinal);
            var notes = _notes.Count;
            try
            {
                if (_connection is null)
                {
                    _connection = await _database.OpenAsync(CancellationToken.None, forWriter: true).ConfigureAwait(false);
                    _flushWal = AuditDatabase.DeferWalFlush(_connection);
                    _commands = new AuditBatchCommands(_connection);
                }

                var commands = _commands!;
                using var transaction = _connection.BeginTransaction(deferred: false);
                commands.Enlist(transaction);

                // Inside the transaction the connection has its WAL open, so the file exists and is the one it writes.
                if (_flushWal && _wal is null)
                {
                    _wal = new WalFile(_database.Options.DatabasePath + "-wal");
                }

                var now = DateTimeOffset.FromUnixTimeMilliseconds(_time.GetUtcNow().ToUnixTimeMilliseconds());
                var millis = now.ToUnixTimeMilliseconds();
                for (var i = 0; i < batch.Count; i++)
                {
                    var record = batch[i].Record!;
                    var chain = record.Tenant;
                    if (!heads.TryGetValue(chain, out var head))
                    {
                        head = ReadHead(commands, chain);
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
                    var note = _notes[i];
                    commands.InsertCheckpoint(note.Chain, note.Size, note.Note, millis);
                }

                transaction.Commit();
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode is 5 or 6 && Stopwatch.GetElapsedTime(started) < _database.Options.BusyRetry)
            {
                LogAppendRetry(_logger, batch.Count);
                await ResetConnectionAsync().ConfigureAwait(false);
                await Task.Delay(TimeSpan.FromMilliseconds(20)).ConfigureAwait(false);
                continue;
            }
            catch (Exception ex) when (ex is SqliteException or InvalidDataException or IOException)
            {
                var reason = Describe(ex);
                LogAppendFailed(_logger, batch.Count, reason);
                await ResetConnectionAsync().ConfigureAwait(false);

                foreach (var pending in batch)
                {
                    pending.Completion.TrySetException(new AuditUnavailableException($"The audit trail could not be written ({reason})."));
                }

                return;
            }

            foreach (var (chain, head) in heads)
            {
                var state = State(chain);
                state.Size = head.Frontier.Size;
                state.Root = head.Frontier;
            }

            // Acknowledgements, and checkpoint notes for the anchor file, leave only once the group is durable: at
            // once when the commit flushed the WAL itself, otherwise after the syncer's flush that covers it.
            var committed = new CommittedGroup(this, _flushWal ? _wal : null, [.. batch], receipts, notes == 0 ? [] : _notes.GetRange(0, notes).ToArray());
            if (committed.Wal is null)
            {
                committed.Durable();
            }
            else
            {
                _syncer.Enqueue(committed);
            }

            _notes.RemoveRange(0, notes);
            _indexing?.Appended();
            _sinceWalCheckpoint += batch.Count;
            if (_sinceWalCheckpoint >= _database.Options.WalCheckpointEveryEntries)
            {
                _sinceWalCheckpoint = 0;
                _walCheckpointer.Request();
            }

            return;
        }
    }

    /// <summary>
    /// Completes the background checkpoint on the writer's connection, between transactions. Without it the WAL
    /// never restarts under sustained load: a passive checkpoint copies the frames that existed when it began, and
    /// the writer has always committed more by the time it ends, so the WAL (and every flush of it, which then
    /// extends the file) grows without bound. With every frame copied and no reader on an older snapshot, the next
    /// transaction writes from the start of the WAL again. SQLite flushes the WAL before copying and the database
    /// after, so groups still waiting for <see cref="WalSyncer"/> stay safe when their frames are overwritten.
    /// </summary>
    private void CatchUpWal()
    {
        try
        {
            using var command = _connection!.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
            command.ExecuteNonQuery();
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is 5 or 6)
        {
            // Another connection is checkpointing (the background one again, or another process): it catches up instead.
            LogCatchUpBusy(_logger);
        }
        catch (SqliteException ex)
        {
            LogCatchUpFailed(_logger, ex.SqliteErrorCode);
        }
    }

    /// <summary>Signs a checkpoint of every chain that is due (or of every chain with new entries, when forced).</summary>
    private void SignDueCheckpoints(bool force)
    {
        foreach (var (chain, state) in _chains)
        {
            if (state.Root is null || state.Size <= state.CheckpointedSize)
            {
                continue;
            }

            if (!force && state.Size - state.CheckpointedSize < _database.Options.CheckpointEveryEntries)
            {
                continue;
            }

            try
            {
                _notes.Add(new SignedNote(chain, state.Size, _checkpoints.Sign(chain, state.Size, state.Root.Root())));
                state.CheckpointedSize = state.Size;
            }
#pragma warning disable CA1031 // A failed signature is logged and retried; the entries themselves are committed.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogCheckpointFailed(_logger, chain, state.Size, ex.GetType().Name);
            }
        }
    }

    private async Task ResetConnectionAsync()
    {
        // Groups committed through this connection's WAL file are flushed before the handle closes.
        await _syncer.DrainAsync().ConfigureAwait(false);
        _wal?.Dispose();
        _wal = null;
        _commands?.Dispose();
        _commands = null;
        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
            _connection = null;
        }
    }

    private ChainState State(string chain)
    {
        if (!_chains.TryGetValue(chain, out var state))
        {
            state = new ChainState();
            _chains[chain] = state;
        }

        return state;
    }

    private static ChainHead ReadHead(AuditBatchCommands commands, string chain)
    {
        return commands.ReadHead(chain) is { } head
            ? new ChainHead(MerkleFrontier.Restore(head.Size, head.Frontier), head.Hash)
            : new ChainHead(new MerkleFrontier(), ZeroHash);
    }

    private static string Describe(Exception ex) => ex switch
    {
        SqliteException { SqliteErrorCode: 5 or 6 } => "the audit database is locked by another process",
        SqliteException { SqliteErrorCode: 8 } => "the audit database is read-only",
        SqliteException { SqliteErrorCode: 13 } => "the disk is full",
        SqliteException { SqliteErrorCode: 11 or 26 } => "the audit database is corrupt",
        SqliteException => "the audit database failed",
        _ => "the audit chain head is damaged",
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit append of {Count} entries failed: {Reason}")]
    private static partial void LogAppendFailed(ILogger logger, int count, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit append of {Count} entries waits for another process's lock; retrying")]
    private static partial void LogAppendRetry(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Audit WAL catch-up checkpoint skipped: another connection is checkpointing")]
    private static partial void LogCatchUpBusy(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit WAL catch-up checkpoint failed (SQLite error {Code}); retried after the next background checkpoint")]
    private static partial void LogCatchUpFailed(ILogger logger, int code);

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit checkpoint of chain {Chain} at size {Size} failed: {Error}")]
    private static partial void LogCheckpointFailed(ILogger logger, string chain, long size, string error);

    private sealed class Pending
    {
        public Pending(AuditRecord? record, byte[] body)
        {
            Record = record;
            Body = body;
            Columns = record is null ? null! : new EntryColumns(record);
        }

        public static Pending Tick { get; } = new(null, []);

        public AuditRecord? Record { get; }

        /// <summary>The body, whose header the writer fills in (again, if a locked batch is retried).</summary>
        public byte[] Body { get; }

        public EntryColumns Columns { get; }

        public bool IsTick => Record is null;

        public TaskCompletionSource<AuditReceipt> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class ChainHead(MerkleFrontier frontier, byte[] hash)
    {
        public MerkleFrontier Frontier { get; } = frontier;

        public byte[] Hash { get; set; } = hash;
    }

    private sealed record SignedNote(string Chain, long Size, string Note);

    /// <summary>A committed group: its callers and checkpoint notes wait for the group to be durable.</summary>
    private sealed class CommittedGroup(AuditWriter writer, WalFile? wal, Pending[] pending, AuditReceipt[] receipts, SignedNote[] notes)
        : DurableTicket(wal, pending.Length)
    {
        public override void Durable()
        {
            for (var i = 0; i < pending.Length; i++)
            {
                pending[i].Completion.TrySetResult(receipts[i]);
            }

            // Checkpoint notes leave for the anchor file only once they are durable in the database.
            foreach (var note in notes)
            {
                writer._exporter.Enqueue(note.Chain, note.Size, note.Note);
            }
        }

        public override void Failed(string reason)
        {
            LogAppendFailed(writer._logger, pending.Length, reason);
            foreach (var item in pending)
            {
                item.Completion.TrySetException(new AuditUnavailableException($"The audit trail could not be written ({reason})."));
            }
        }
    }

    private sealed class ChainState
    {
        public long Size { get; set; }

        public long CheckpointedSize { get; set; }

        public MerkleFrontier? Root { get; set; }
    }
}
