using System.Diagnostics;
using GovernedCrm.Audit.Records;
using GovernedCrm.Governance.Audit;
using GovernedCrm.Hosting.Telemetry;

namespace GovernedCrm.Hosting.Adapters;

/// <summary>
/// The governance pipeline's audit trail port over the audit store's writer. It forwards: the writer already
/// acknowledges an entry once it is durable, hands out queued entries with their position, and fails with
/// <see cref="AuditUnavailableException"/>, which is what the port asks of an implementation. When telemetry is
/// exported it also times each append until it is durable (<see cref="AuditMetrics.AppendDuration"/>) and writes a
/// log record for each acknowledged entry (<see cref="AuditEntryLog"/>); otherwise it only forwards. The writer stays
/// owned (and disposed) by whoever opened it.
/// </summary>
public sealed class AuditWriterTrail : IAuditTrail
{
    private readonly AuditWriter _writer;
    private readonly AuditEntryLog? _entries;

    /// <summary>Forwards to <paramref name="writer"/>, timing appends when metrics are exported.</summary>
    /// <param name="writer">The started writer.</param>
    public AuditWriterTrail(AuditWriter writer)
        : this(writer, entries: null)
    {
    }

    /// <summary>Forwards to <paramref name="writer"/> and writes each acknowledged entry's log record to <paramref name="entries"/>.</summary>
    /// <param name="writer">The started writer.</param>
    /// <param name="entries">The audit entries' log records, when log records are exported; null otherwise.</param>
    internal AuditWriterTrail(AuditWriter writer, AuditEntryLog? entries)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _writer = writer;
        _entries = entries;
    }

    /// <inheritdoc />
    public ValueTask<AuditReceipt> AppendAsync(AuditRecord record, CancellationToken cancellationToken) =>
        _entries is null && !AuditMetrics.AppendDuration.Enabled
            ? _writer.AppendAsync(record, cancellationToken)
            : ObservedAppendAsync(record, cancellationToken);

    private async ValueTask<AuditReceipt> ObservedAppendAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var durable = _writer.AppendAsync(record, cancellationToken).AsTask();
        Observe(record, started, durable);
        return await durable.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask<AuditAppend> EnqueueAsync(AuditRecord record, CancellationToken cancellationToken) =>
        _entries is null && !AuditMetrics.AppendDuration.Enabled
            ? _writer.EnqueueAsync(record, cancellationToken)
            : ObservedEnqueueAsync(record, cancellationToken);

    private async ValueTask<AuditAppend> ObservedEnqueueAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        AuditAppend append;
        try
        {
            append = await _writer.EnqueueAsync(record, cancellationToken).ConfigureAwait(false);
        }
        catch (AuditUnavailableException)
        {
            AuditMetrics.Appended(started, acknowledged: false);
            throw;
        }

        Observe(record, started, append.Completion);
        return append;
    }

    // Times the append until it is durable and logs the acknowledged entry, without waiting for it (observing a
    // queued entry's completion, unlike waiting, does not make the writer flush early).
    private void Observe(AuditRecord record, long started, Task<AuditReceipt> durable) =>
        _ = durable.ContinueWith(
            (done, _) =>
            {
                AuditMetrics.Appended(started, acknowledged: done.IsCompletedSuccessfully);
                if (done.IsCompletedSuccessfully)
                {
                    _entries?.Appended(record, done.Result);
                }
            },
            null,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
}
