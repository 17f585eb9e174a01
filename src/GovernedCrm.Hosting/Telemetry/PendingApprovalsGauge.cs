using System.Diagnostics.Metrics;
using GovernedCrm.Governance.Telemetry;

namespace GovernedCrm.Hosting.Telemetry;

/// <summary>
/// The <c>governedcrm.approvals.pending</c> gauge: proposals waiting for a decision (pending and not expired), per
/// tenant, read from the approval queue each time metrics are collected, so decisions taken by another process (the
/// <c>approvals</c> CLI) count too. A tenant seen before and now without any reads 0. Registered only when metrics are
/// exported; its meter goes with the host.
/// </summary>
/// <param name="meters">The host's meter factory.</param>
/// <param name="resources">The opened approval queue.</param>
/// <param name="time">The clock.</param>
/// <param name="logger">Where a failed read is logged.</param>
internal sealed partial class PendingApprovalsGauge(IMeterFactory meters, ServerResources resources, TimeProvider time, ILogger<PendingApprovalsGauge> logger) : IHostedService
{
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        meters.Create(GovernanceTelemetry.Name).CreateObservableGauge(
            "governedcrm.approvals.pending", Observe, "{proposal}", "Proposals waiting for a decision, by tenant.");
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private List<Measurement<long>> Observe()
    {
        IReadOnlyDictionary<string, long> counts;
        try
        {
            // The metric reader's own thread calls this; SQLite's reads complete synchronously.
            counts = resources.Approvals.CountPendingAsync(time.GetUtcNow(), CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException or IOException)
        {
            LogUnreadable(logger, ex.GetType().Name);
            return [];
        }

        lock (_seen)
        {
            _seen.UnionWith(counts.Keys);
            return [.. _seen.Select(tenant => new Measurement<long>(
                counts.GetValueOrDefault(tenant), new KeyValuePair<string, object?>(TelemetryTags.Tenant, tenant)))];
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The approval queue could not be read for the pending approvals gauge ({Error})")]
    private static partial void LogUnreadable(ILogger logger, string error);
}
