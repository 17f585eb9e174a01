using System.Diagnostics;
using Microsoft.Win32.SafeHandles;

namespace GovernedCrm.Audit.Store;

/// <summary>
/// Makes the writer's commits durable off its thread. The writer's connection commits with
/// synchronous = NORMAL, which in WAL mode writes the transaction's frames into the -wal file without flushing
/// it; the writer then hands the committed group here and starts the next one. This thread flushes the -wal
/// file (fsync: one flush covers every frame written before it started, so it covers every group queued by then)
/// and only then acknowledges the groups, in commit order. The result is the same durability as
/// synchronous = FULL (an append is acknowledged only once its commit frame is on disk) while the next group's
/// inserts overlap the flush instead of waiting for it. A group whose entries nobody waits for yet (queued with
/// <see cref="AuditWriter.EnqueueAsync"/>) does not start a flush: it waits, at most <see cref="MaxLazyTicks"/>,
/// until a caller waits for one of them or for a later entry, so one flush covers all the entries of a call.
/// </summary>
/// <remarks>
/// A group that is committed but not yet flushed is visible to other connections, and later groups (of this or
/// another process) extend the chain from it. That is safe: WAL frames carry cumulative checksums, so after a
/// power loss recovery keeps a prefix of the commits and the chain is truncated, never forked; and nothing
/// (acknowledgement, anchor export) leaves before the flush that covers it. After a failed flush the kernel may
/// have dropped dirty pages and still report later flushes as successful, so a failure is final: the group and
/// every later one fail (the audit counts as unavailable) until the process restarts.
/// </remarks>
internal sealed partial class WalSyncer : IAsyncDisposable
{
    /// <summary>The longest a committed group waits for others to share its flush (1 ms).</summary>
    private static readonly long MaxGatherTicks = Stopwatch.Frequency / 1000;

    /// <summary>The longest committed entries nobody waits for put off their flush (5 ms).</summary>
    private static readonly long MaxLazyTicks = Stopwatch.Frequency / 200;

    private readonly Queue<DurableTicket> _queue = new();
    private readonly ILogger _logger;
    private readonly Thread _thread;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _completed;
    private bool _urgent;
    private int _lastFlushEntries;
    private long _firstQueuedAt;
    private string? _failure;

    public WalSyncer(ILogger logger)
    {
        _logger = logger;
        _thread = new Thread(Run) { IsBackground = true, Name = "audit-wal-sync" };
        _thread.Start();
    }

    /// <summary>Queues a committed group; it is acknowledged (or failed) after the next flush of its WAL file.</summary>
    /// <param name="ticket">The group.</param>
    public void Enqueue(DurableTicket ticket)
    {
        lock (_queue)
        {
            Add(ticket);
        }
    }

    /// <summary>A caller now waits for an entry: wakes the flush thread if it is putting a flush off.</summary>
    public void Poke()
    {
        lock (_queue)
        {
            Monitor.Pulse(_queue);
        }
    }

    /// <summary>Waits until every group queued so far is acknowledged or failed.</summary>
    /// <returns>A task.</returns>
    public Task DrainAsync()
    {
        var barrier = new Barrier();
        lock (_queue)
        {
            if (_completed)
            {
                // Stopped: everything queued before was flushed on the way out.
                return Task.CompletedTask;
            }

            _urgent = true;
            Add(barrier);
        }

        return barrier.Done.Task;
    }

    public async ValueTask DisposeAsync()
    {
        lock (_queue)
        {
            _completed = true;
            Monitor.Pulse(_queue);
        }

        await _stopped.Task.ConfigureAwait(false);
    }

    private void Add(DurableTicket ticket)
    {
        if (_queue.Count == 0)
        {
            _firstQueuedAt = Stopwatch.GetTimestamp();
        }

        _queue.Enqueue(ticket);
        Monitor.Pulse(_queue);
    }

    /// <summary>
    /// True while nobody waits for any queued group (all were queued without a wait and none is waited for since),
    /// for at most <see cref="MaxLazyTicks"/> after the oldest was queued: their flush can wait for the call's
    /// next wait, which then covers them all.
    /// </summary>
    private bool ShouldPutOff(out int waitMilliseconds)
    {
        waitMilliseconds = 0;
        if (_completed || _urgent)
        {
            return false;
        }

        foreach (var ticket in _queue)
        {
            if (!ticket.Lazy)
            {
                return false;
            }
        }

        return Left(MaxLazyTicks, out waitMilliseconds);
    }

    /// <summary>
    /// True while it pays to wait for more groups before flushing: fewer entries are waited for than the previous
    /// flush acknowledged to waiting callers (those callers are probably appending again right now), and the oldest
    /// queued group has waited less than <see cref="MaxGatherTicks"/>. Without this, the first caller back after a
    /// flush gets a flush of its own and everyone behind it waits for a whole second flush.
    /// </summary>
    private bool ShouldGather(out int waitMilliseconds)
    {
        waitMilliseconds = 0;
        return !_completed && !_urgent && DemandedEntries() < _lastFlushEntries && Left(MaxGatherTicks, out waitMilliseconds);
    }

    private bool Left(long limitTicks, out int waitMilliseconds)
    {
        waitMilliseconds = 0;
        var left = limitTicks - (Stopwatch.GetTimestamp() - _firstQueuedAt);
        if (left <= 0)
        {
            return false;
        }

        waitMilliseconds = (int)Math.Max(1, left * 1000 / Stopwatch.Frequency);
        return true;
    }

    private int DemandedEntries()
    {
        var demanded = 0;
        foreach (var ticket in _queue)
        {
            demanded += ticket.DemandedCount;
        }

        return demanded;
    }

    private void Run()
    {
        var group = new List<DurableTicket>();
        var files = new List<WalFile>(1);
        try
        {
            while (true)
            {
                lock (_queue)
                {
                    while (_queue.Count == 0 && !_completed)
                    {
                        Monitor.Wait(_queue);
                    }

                    if (_queue.Count == 0)
                    {
                        return;
                    }

                    while (ShouldPutOff(out var wait))
                    {
                        Monitor.Wait(_queue, wait);
                    }

                    while (ShouldGather(out var wait))
                    {
                        Monitor.Wait(_queue, wait);
                    }

                    _lastFlushEntries = DemandedEntries();
                    while (_queue.TryDequeue(out var ticket))
                    {
                        group.Add(ticket);
                    }

                    _urgent = false;
                }

                Flush(group, files);
                group.Clear();
                files.Clear();
            }
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }

    private void Flush(List<DurableTicket> group, List<WalFile> files)
    {
        foreach (var ticket in group)
        {
            if (ticket.Wal is { } wal && !files.Contains(wal))
            {
                files.Add(wal);
            }
        }

        if (_failure is null)
        {
            try
            {
                foreach (var file in files)
                {
                    file.Flush();
                }
            }
            catch (IOException ex)
            {
                _failure = "the audit log could not be flushed to disk; restart the server";
                LogFlushFailed(_logger, ex.GetType().Name, ex.Message);
            }
        }

        foreach (var ticket in group)
        {
            // Groups committed with synchronous = FULL (no WAL file to flush) are durable already.
            if (_failure is not null && ticket.Wal is not null)
            {
                ticket.Failed(_failure);
            }
            else
            {
                ticket.Durable();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Audit WAL flush failed ({Error}: {Reason}); every later append fails until restart")]
    private static partial void LogFlushFailed(ILogger logger, string error, string reason);

    private sealed class Barrier : DurableTicket
    {
        public Barrier()
            : base(null, 0)
        {
        }

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Durable() => Done.TrySetResult();

        public override void Failed(string reason) => Done.TrySetResult();
    }
}

/// <summary>A committed group waiting for the flush of its WAL file.</summary>
/// <param name="wal">The WAL file its frames were written to; null when the commit itself was durable.</param>
/// <param name="count">How many entries it holds.</param>
internal abstract class DurableTicket(WalFile? wal, int count)
{
    public WalFile? Wal { get; } = wal;

    public int Count { get; } = count;

    /// <summary>How many of its entries a caller waits for.</summary>
    public virtual int DemandedCount => Count;

    /// <summary>True when nobody waits for the group yet, so its flush may be put off.</summary>
    public virtual bool Lazy => false;

    /// <summary>Called once the group is on disk.</summary>
    public abstract void Durable();

    /// <summary>Called when the flush failed: the group may or may not survive a power loss.</summary>
    /// <param name="reason">Why.</param>
    public abstract void Failed(string reason);
}

/// <summary>
/// A handle on the writer connection's -wal file, used only to flush it. Opened while the connection is open (so
/// the file exists and is the one the connection writes: SQLite deletes it only when the last connection closes)
/// and disposed only after every group written through it has been flushed. SQLite holds no locks on the -wal
/// file itself, so this handle cannot disturb its locking.
/// </summary>
internal sealed class WalFile : IDisposable
{
    private readonly SafeFileHandle _handle;

    public WalFile(string path)
    {
        _handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
    }

    public void Flush() => RandomAccess.FlushToDisk(_handle);

    public void Dispose() => _handle.Dispose();
}
