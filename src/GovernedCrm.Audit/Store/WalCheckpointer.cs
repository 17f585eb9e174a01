using System.Threading.Channels;

namespace GovernedCrm.Audit.Store;

/// <summary>
/// Moves WAL pages into the audit database on its own connection, off the writer's commit path (the writer's
/// connection has automatic checkpoints turned off). A passive checkpoint never blocks the writer; the writer
/// asks for one after every few thousand entries (and SQLite checkpoints when the last connection closes).
/// </summary>
internal sealed partial class WalCheckpointer : IAsyncDisposable
{
    private readonly AuditDatabase _database;
    private readonly ILogger _logger;
    private readonly Channel<bool> _requests = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly Task _loop;
    private int _caughtUp;
    private int _sinceRequest;

    public WalCheckpointer(AuditDatabase database, ILogger logger)
    {
        _database = database;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Asks for a checkpoint soon; returns at once.</summary>
    private void Request() => _requests.Writer.TryWrite(true);

    /// <summary>
    /// The cadence: counts the entries the writer committed and asks for a checkpoint after every
    /// <see cref="AuditStoreOptions.WalCheckpointEveryEntries"/> of them. Called from the writer loop only.
    /// </summary>
    /// <param name="entries">How many entries the writer just committed.</param>
    public void Committed(int entries)
    {
        _sinceRequest += entries;
        if (_sinceRequest >= _database.Options.WalCheckpointEveryEntries)
        {
            _sinceRequest = 0;
            Request();
        }
    }

    /// <summary>
    /// True once after each completed background checkpoint: the WAL now holds only the frames written while it
    /// ran, so a checkpoint on the writer's own connection (between its transactions) copies those few and lets
    /// the next transaction restart the WAL from its start.
    /// </summary>
    /// <returns>Whether the writer should run its catch-up checkpoint now.</returns>
    public bool TakeCatchUp() => Interlocked.Exchange(ref _caughtUp, 0) == 1;

    public async ValueTask DisposeAsync()
    {
        // No final checkpoint here: closing the last connection to the file checkpoints it anyway.
        _requests.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        SqliteConnection? connection = null;
        try
        {
            while (await _requests.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                _requests.Reader.TryRead(out _);
                try
                {
                    connection ??= await _database.OpenAsync(CancellationToken.None).ConfigureAwait(false);
                    using var command = connection.CreateCommand();
                    command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
                    command.ExecuteNonQuery();
                    Volatile.Write(ref _caughtUp, 1);
                }
                catch (SqliteException ex)
                {
                    // Entries stay safe in the WAL; the next request tries again.
                    LogFailed(_logger, ex.SqliteErrorCode);
                    if (connection is not null)
                    {
                        await connection.DisposeAsync().ConfigureAwait(false);
                        connection = null;
                    }
                }
            }
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit WAL checkpoint failed (SQLite error {Code}); retried later")]
    private static partial void LogFailed(ILogger logger, int code);
}
