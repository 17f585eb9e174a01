namespace GovernedCrm.Audit.Store;

/// <summary>
/// The one writer of an audit database in this process. Callers queue entries (<see cref="AppendQueue"/>); one
/// loop takes them in groups and commits each group in one transaction (<see cref="GroupCommit"/>), and an
/// entry is acknowledged only after its commit is durable (<see cref="WalSyncer"/> flushes the WAL and then
/// acknowledges, while the loop already commits the next group). After a commit it signs the checkpoints that are
/// due (<see cref="CheckpointCadence"/>: every N entries or T seconds, and at shutdown); a checkpoint leaves for
/// the anchor only once it is durable. The WAL is checkpointed in the background (<see cref="WalCheckpointer"/>)
/// and caught up on the writer's connection between groups (<see cref="WriterConnection"/>). While the writer is
/// idle, the search index catches up with the chain (<see cref="IdleIndexing"/>), never on the append path.
/// </summary>
public sealed class AuditWriter : IAsyncDisposable
{
    private readonly AuditDatabase _database;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly AppendQueue _queue = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly IDisposable? _owned;
    private readonly IAsyncDisposable? _downstream;
    private readonly CheckpointExporter _exporter;
    private readonly WalCheckpointer _walCheckpointer;
    private readonly WalSyncer _syncer;
    private readonly WriterConnection _connection;
    private readonly CheckpointCadence _cadence;
    private readonly GroupCommit _groupCommit;
    private Task? _loop;
    private Task? _timer;
    private IdleIndexing? _indexing;
    private int _committing;
    private int _disposed;

    /// <summary>Creates the writer; call <see cref="StartAsync"/> before appending.</summary>
    /// <param name="database">The audit database.</param>
    /// <param name="checkpoints">Signs and exports checkpoints.</param>
    /// <param name="time">Stamps entries and paces checkpoints.</param>
    /// <param name="logger">Logs failures and checkpoints.</param>
    /// <param name="owned">Disposed with the writer (the signing key).</param>
    /// <param name="downstream">Disposed once every checkpoint is exported, before <paramref name="owned"/> (the witness publisher).</param>
    public AuditWriter(
        AuditDatabase database, ICheckpointPublisher checkpoints, TimeProvider time, ILogger<AuditWriter> logger, IDisposable? owned = null, IAsyncDisposable? downstream = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        _owned = owned;
        _downstream = downstream;
        _database = database;
        _time = time;
        _logger = logger;
        _exporter = new CheckpointExporter(checkpoints, logger);
        _walCheckpointer = new WalCheckpointer(database, logger);
        _syncer = new WalSyncer(logger);
        _connection = new WriterConnection(database, _syncer, logger);
        _cadence = new CheckpointCadence(checkpoints, database.Options, logger);
        _groupCommit = new GroupCommit(database, _connection, _cadence, _syncer, _walCheckpointer, _exporter, time, logger);
    }

    /// <summary>Creates the schema if needed and starts the writer loop.</summary>
    /// <param name="cancellationToken">Cancels startup.</param>
    /// <returns>A task.</returns>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _database.InitializeAsync(cancellationToken).ConfigureAwait(false);
        _loop = Task.Run(RunAsync, CancellationToken.None);
        _timer = _cadence.StartTimer(_queue, _time, _stopping.Token);
        _indexing = new IdleIndexing(_database, () => Volatile.Read(ref _committing) != 0 || !_queue.IsEmpty, _logger);
    }

    /// <summary>
    /// Appends an entry to its tenant's chain and returns once the entry is durable (committed and on disk). Every
    /// other field of the entry (position, time, hash link) is the writer's.
    /// </summary>
    /// <param name="record">What the entry says (already redacted).</param>
    /// <param name="cancellationToken">Stops waiting; the entry may still be written.</param>
    /// <returns>Where the entry is.</returns>
    /// <exception cref="AuditUnavailableException">The entry could not be written, or the writer is not running.</exception>
    public async ValueTask<AuditReceipt> AppendAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        var pending = Encode(record, demanded: true);
        await _queue.EnqueueAsync(pending, cancellationToken).ConfigureAwait(false);
        return await pending.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Queues an entry for its tenant's chain and returns at once with its position: entries queued later by this
    /// process come after it in the chain. It is committed with the next group; the flush that makes it durable
    /// starts once someone waits for it (<see cref="AuditAppend.WaitDurableAsync"/>) or a later entry is waited
    /// for, and after a few milliseconds at the latest.
    /// </summary>
    /// <param name="record">What the entry says (already redacted).</param>
    /// <param name="cancellationToken">Cancels waiting for room in the queue.</param>
    /// <returns>The handle; its wait fails with <see cref="AuditUnavailableException"/> if the entry cannot be written.</returns>
    /// <exception cref="AuditUnavailableException">The writer is not running.</exception>
    public async ValueTask<AuditAppend> EnqueueAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        var pending = Encode(record, demanded: false);
        var position = await _queue.EnqueueAsync(pending, cancellationToken).ConfigureAwait(false);
        return new AuditAppend(position, pending.Completion.Task, pending.Demand);
    }

    /// <summary>Stops accepting entries, commits what is queued, signs final checkpoints.</summary>
    /// <returns>A task.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _queue.Complete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_indexing is not null)
        {
            await _indexing.DisposeAsync().ConfigureAwait(false);
        }

        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
            if (_timer is not null)
            {
                await _timer.ConfigureAwait(false);
            }

            _cadence.SignDue(force: true);
            if (_cadence.Notes.Count > 0)
            {
                await _groupCommit.CommitAsync([]).ConfigureAwait(false);
            }
        }

        // Every committed group is flushed and acknowledged (and its checkpoint notes queued) before the exporter drains.
        await _syncer.DisposeAsync().ConfigureAwait(false);
        await _exporter.DisposeAsync().ConfigureAwait(false);
        if (_downstream is not null)
        {
            await _downstream.DisposeAsync().ConfigureAwait(false);
        }

        await _walCheckpointer.DisposeAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
        _owned?.Dispose();
    }

    // The body (all but its header) and the column values are encoded here, on the caller's thread, off the
    // writer's critical path.
    private PendingEntry Encode(AuditRecord record, bool demanded)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (_loop is null)
        {
            throw new AuditUnavailableException("The audit trail is not started.");
        }

        return new PendingEntry(record, AuditEntryCodec.EncodeUnsequenced(AuditChains.Origin(record.Tenant), record), _syncer, demanded);
    }

    // The writer loop: take a group, catch the WAL up if a background checkpoint finished, commit, sign what is due.
    private async Task RunAsync()
    {
        var batch = new List<PendingEntry>(_database.Options.MaxBatch);
        while (await _queue.WaitAsync().ConfigureAwait(false))
        {
            var checkpointTick = _queue.TakeBatch(batch, _database.Options.MaxBatch);
            if (_connection.IsOpen && _walCheckpointer.TakeCatchUp())
            {
                _connection.CatchUpWal();
            }

            if (batch.Count > 0)
            {
                Volatile.Write(ref _committing, 1);
                try
                {
                    await _groupCommit.CommitAsync(batch).ConfigureAwait(false);
                }
                finally
                {
                    Volatile.Write(ref _committing, 0);
                }

                _indexing?.Appended();
            }

            _cadence.SignDue(force: checkpointTick);

            // Signed notes ride along with the next batch; when nothing else is queued they are stored now.
            if (_cadence.Notes.Count > 0 && (checkpointTick || _queue.IsEmpty))
            {
                await _groupCommit.CommitAsync([]).ConfigureAwait(false);
            }
        }
    }
}
