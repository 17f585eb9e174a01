using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace GovernedCrm.Audit.Store;

/// <summary>
/// Keeps the search index up to date from inside the writer's process without slowing appends: every
/// <see cref="Interval"/> of real time it looks whether the writer appended anything since the last look, and only
/// when it did not (the writer is idle) does it index a chunk, on its own connection, then looks again. A run holds the
/// write lock for a few milliseconds; an append that arrives meanwhile waits that long at most.
/// </summary>
internal sealed partial class IdleIndexing : IAsyncDisposable
{
    /// <summary>How long the writer must have been idle, and how often it is looked at.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    private readonly AuditDatabase _database;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private long _appends;

    public IdleIndexing(AuditDatabase database, ILogger logger)
    {
        _database = database;
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
                    while (!_stopping.IsCancellationRequested && Interlocked.Read(ref _appends) == seen
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
