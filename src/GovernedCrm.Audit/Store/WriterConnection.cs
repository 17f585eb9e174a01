namespace GovernedCrm.Audit.Store;

/// <summary>
/// The writer's own connection to the audit database: opened on first use and again after a failure, with its
/// prepared batch commands and, when its commits leave the WAL flush to <see cref="WalSyncer"/>, a handle on the
/// -wal file it writes. Also runs the WAL catch-up checkpoint between transactions.
/// </summary>
internal sealed partial class WriterConnection : IAsyncDisposable
{
    private readonly AuditDatabase _database;
    private readonly WalSyncer _syncer;
    private readonly ILogger _logger;
    private SqliteConnection? _connection;
    private AuditBatchCommands? _commands;
    private bool _flushWal;
    private WalFile? _wal;

    /// <summary>Creates the (not yet opened) connection.</summary>
    /// <param name="database">The audit database.</param>
    /// <param name="syncer">Flushes the WAL for groups committed through this connection.</param>
    /// <param name="logger">Logs catch-up failures.</param>
    public WriterConnection(AuditDatabase database, WalSyncer syncer, ILogger logger)
    {
        _database = database;
        _syncer = syncer;
        _logger = logger;
    }

    /// <summary>True while the connection is open.</summary>
    public bool IsOpen => _connection is not null;

    /// <summary>The prepared commands; valid after <see cref="Begin"/>.</summary>
    public AuditBatchCommands Commands => _commands!;

    /// <summary>The -wal file a commit on this connection must be flushed through; null when commits are durable on their own.</summary>
    public WalFile? DeferredWal => _flushWal ? _wal : null;

    /// <summary>Opens the connection if it is not open.</summary>
    /// <returns>A task.</returns>
    public async ValueTask OpenAsync()
    {
        if (_connection is null)
        {
            _connection = await _database.OpenAsync(CancellationToken.None, forWriter: true).ConfigureAwait(false);
            _flushWal = AuditDatabase.DeferWalFlush(_connection);
            _commands = new AuditBatchCommands(_connection);
        }
    }

    /// <summary>Begins an immediate transaction (the write lock) with the commands enlisted in it.</summary>
    /// <returns>The transaction.</returns>
    public SqliteTransaction Begin()
    {
        var transaction = _connection!.BeginTransaction(deferred: false);
        try
        {
            _commands!.Enlist(transaction);

            // Inside the transaction the connection has its WAL open, so the file exists and is the one it writes.
            if (_flushWal && _wal is null)
            {
                _wal = new WalFile(_database.Options.DatabasePath + "-wal");
            }

            return transaction;
        }
        catch
        {
            transaction.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Completes the background checkpoint on this connection, between transactions. Without it the WAL
    /// never restarts under sustained load: a passive checkpoint copies the frames that existed when it began, and
    /// the writer has always committed more by the time it ends, so the WAL (and every flush of it, which then
    /// extends the file) grows without bound. With every frame copied and no reader on an older snapshot, the next
    /// transaction writes from the start of the WAL again. SQLite flushes the WAL before copying and the database
    /// after, so groups still waiting for <see cref="WalSyncer"/> stay safe when their frames are overwritten.
    /// </summary>
    public void CatchUpWal()
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

    /// <summary>Closes the connection (after a failure, or at shutdown); the next <see cref="OpenAsync"/> opens a new one.</summary>
    /// <returns>A task.</returns>
    public async Task ResetAsync()
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

    /// <summary>Closes the connection for good (at shutdown).</summary>
    /// <returns>A task.</returns>
    public ValueTask DisposeAsync() => new(ResetAsync());

    [LoggerMessage(Level = LogLevel.Debug, Message = "Audit WAL catch-up checkpoint skipped: another connection is checkpointing")]
    private static partial void LogCatchUpBusy(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit WAL catch-up checkpoint failed (SQLite error {Code}); retried after the next background checkpoint")]
    private static partial void LogCatchUpFailed(ILogger logger, int code);
}
