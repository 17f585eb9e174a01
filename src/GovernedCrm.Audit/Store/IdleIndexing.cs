namespace GovernedCrm.Audit.Store;

/// <summary>
/// Keeps the search index up to date from inside the writer's process without slowing appends: every
/// <see cref="Interval"/> of real time it looks whether the writer appended anything since the last look, and only
/// when it did not (the writer is idle) does it index a chunk, on its own connection, then looks again, stopping as
/// soon as the writer has work. A run holds the write lock for a few milliseconds; an append that arrives meanwhile
/// waits about that long, once.
/// </summary>
internal sealed partial class IdleIndexing : IAsyncDisposable
{
    /// <summary>How long the writer must have been idle, and how often it is looked at.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    private readonly AuditDatabase _database;
    private readonly Func<bool> _writerBusy;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private long _appends;

    /// <summary>Starts looking for idle moments.</summary>
    /// <param name="database">The audit database.</param>
    /// <param name="writerBusy">True while the writer has entries queued or is committing: no run starts then.</param>
    /// <param name="logger">Logs failed runs.</param>
    public IdleIndexing(AuditDatabase database, Func<bool> writerBusy, ILogger logger)
    {
        _database = database;
        _writerBusy = writerBusy;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Tells the indexer the writer just committed entries (it waits for the next idle moment).</summary>
    public void Appended() => Interlocked.Increment(ref _appends);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task RunAsync()
    {
        SqliteConnection? connection = null;
        var seen = -1L;
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                await Task.Delay(Interval, _stopping.Token).ConfigureAwait(false);
                var appends = Interlocked.Read(ref _appends);
                if (appends != seen)
                {
                    // Appended since the last look (or the first look): not idle yet.
                    seen = appends;
                    continue;
                }

                try
                {
                    connection ??= await _database.OpenAsync(_stopping.Token).ConfigureAwait(false);
                    // Between runs the writer gets the lock back at once: a writer waiting in SQLite's busy handler
                    // would otherwise sleep while the next run takes the lock again.
                    while (!_stopping.IsCancellationRequested && Interlocked.Read(ref _appends) == seen && !_writerBusy()
                        && AuditSearchIndexer.Run(connection, AuditSearchIndexer.DefaultChunk))
                    {
                    }
                }
                catch (SqliteException ex)
                {
                    // The index is a convenience: a busy or failing run is tried again at the next idle moment.
                    LogFailed(_logger, ex.SqliteErrorCode);
                    if (connection is not null)
                    {
                        await connection.DisposeAsync().ConfigureAwait(false);
                        connection = null;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Audit search indexing skipped (SQLite error {Code}); tried again when idle")]
    private static partial void LogFailed(ILogger logger, int code);
}
