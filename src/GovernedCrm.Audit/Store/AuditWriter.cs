using System.Diagnostics;
using System.Threading.Channels;
using Dapper;
using GovernedCrm.Audit.Entries;
using GovernedCrm.Audit.Merkle;
using GovernedCrm.Governance.Audit;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace GovernedCrm.Audit.Store;

/// <summary>
/// The one writer of an audit database in this process. Callers queue entries; the writer commits them in
/// groups inside BEGIN IMMEDIATE transactions, re-reading each chain's head inside the transaction (so several
/// processes sharing the file extend one linear chain), and acknowledges each entry only after its commit.
/// After a commit it signs a checkpoint every N entries or T seconds, and at shutdown.
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
    private SqliteConnection? _connection;
    private int _disposed;

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
    }

    /// <summary>Creates the schema if needed and starts the writer loop.</summary>
    /// <param name="cancellationToken">Cancels startup.</param>
    /// <returns>A task.</returns>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _database.InitializeAsync(cancellationToken).ConfigureAwait(false);
        _loop = Task.Run(RunAsync, CancellationToken.None);
        _ticker = Task.Run(TickAsync, CancellationToken.None);
    }

    /// <inheritdoc />
    public async ValueTask<AuditReceipt> AppendAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (_loop is null)
        {
            throw new AuditUnavailableException("The audit trail is not started.");
        }

        var pending = new Pending(record);
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
        if (_loop is null)
        {
            _stopping.Dispose();
            _owned?.Dispose();
            return;
        }

        await _loop.ConfigureAwait(false);

        if (_ticker is not null)
        {
            await _ticker.ConfigureAwait(false);
        }

        await CheckpointAsync(force: true, CancellationToken.None).ConfigureAwait(false);
        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }

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
            if (batch.Count > 0)
            {
                await CommitAsync(batch).ConfigureAwait(false);
            }

            await CheckpointAsync(force: checkpointTick, CancellationToken.None).ConfigureAwait(false);
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
            try
            {
                _connection ??= await _database.OpenAsync(CancellationToken.None).ConfigureAwait(false);
                await using var transaction = (SqliteTransaction)await _connection.BeginTransactionAsync().ConfigureAwait(false);
                var now = DateTimeOffset.FromUnixTimeMilliseconds(_time.GetUtcNow().ToUnixTimeMilliseconds());
                for (var i = 0; i < batch.Count; i++)
                {
                    var record = batch[i].Record!;
                    var chain = record.Tenant;
                    if (!heads.TryGetValue(chain, out var head))
                    {
                        head = await ReadHeadAsync(_connection, transaction, chain).ConfigureAwait(false);
                        heads[chain] = head;
                    }

                    var entry = new AuditEntry(AuditChains.Origin(chain), head.Frontier.Size, now, head.Hash, record);
                    var body = AuditEntryCodec.Encode(entry);
                    var hash = MerkleHasher.LeafHash(body);
                    await _connection.ExecuteAsync(
                        "INSERT INTO audit_entries (chain, seq, ts, actor, event, tool, execution_id, body, entry_hash) " +
                        "VALUES (@chain, @seq, @ts, @actor, @event, @tool, @execution, @body, @hash)",
                        new
                        {
                            chain,
                            seq = entry.Sequence,
                            ts = now.ToUnixTimeMilliseconds(),
                            actor = record.Actor,
                            @event = record.Event.ToString(),
                            tool = record.Tool,
                            execution = record.ExecutionId,
                            body,
                            hash,
                        },
                        transaction).ConfigureAwait(false);
                    receipts[i] = new AuditReceipt(chain, entry.Sequence, $"{chain}/{entry.Sequence}");
                    head.Frontier.Append(hash);
                    head.Hash = hash;
                }

                foreach (var (chain, head) in heads)
                {
                    await _connection.ExecuteAsync(
                        "INSERT INTO audit_heads (chain, size, head_hash, frontier) VALUES (@chain, @size, @hash, @frontier) " +
                        "ON CONFLICT (chain) DO UPDATE SET size = excluded.size, head_hash = excluded.head_hash, frontier = excluded.frontier",
                        new { chain, size = head.Frontier.Size, hash = head.Hash, frontier = head.Frontier.Save() },
                        transaction).ConfigureAwait(false);
                }

                await transaction.CommitAsync().ConfigureAwait(false);
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

            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Completion.TrySetResult(receipts[i]);
            }

            return;
        }
    }

    private async Task CheckpointAsync(bool force, CancellationToken cancellationToken)
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
                await _checkpoints.PublishAsync(chain, state.Size, state.Root.Root(), cancellationToken).ConfigureAwait(false);
                state.CheckpointedSize = state.Size;
            }
#pragma warning disable CA1031 // A failed checkpoint is logged and retried; the entries themselves are committed.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogCheckpointFailed(_logger, chain, state.Size, ex.GetType().Name);
            }
        }
    }

    private async Task ResetConnectionAsync()
    {
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

    private static async Task<ChainHead> ReadHeadAsync(SqliteConnection connection, SqliteTransaction transaction, string chain)
    {
        var row = await connection.QuerySingleOrDefaultAsync<(long Size, byte[] Hash, byte[] Frontier)?>(
            "SELECT size, head_hash, frontier FROM audit_heads WHERE chain = @chain", new { chain }, transaction).ConfigureAwait(false);
        return row is { } head
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit checkpoint of chain {Chain} at size {Size} failed: {Error}")]
    private static partial void LogCheckpointFailed(ILogger logger, string chain, long size, string error);

    private sealed class Pending
    {
        public Pending(AuditRecord? record) => Record = record;

        public static Pending Tick { get; } = new(null);

        public AuditRecord? Record { get; }

        public bool IsTick => Record is null;

        public TaskCompletionSource<AuditReceipt> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class ChainHead(MerkleFrontier frontier, byte[] hash)
    {
        public MerkleFrontier Frontier { get; } = frontier;

        public byte[] Hash { get; set; } = hash;
    }

    private sealed class ChainState
    {
        public long Size { get; set; }

        public long CheckpointedSize { get; set; }

        public MerkleFrontier? Root { get; set; }
    }
}
