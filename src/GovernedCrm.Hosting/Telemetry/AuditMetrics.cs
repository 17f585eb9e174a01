using System.Diagnostics;
using System.Diagnostics.Metrics;
using GovernedCrm.Audit.Verification;
using GovernedCrm.Governance.Telemetry;

namespace GovernedCrm.Hosting.Telemetry;

/// <summary>
/// The audit trail's instruments, on <see cref="GovernanceTelemetry.Meter"/>: how long an append took to be
/// acknowledged (durable) or refused, and how long a verification of the chain took and what it found.
/// </summary>
internal static class AuditMetrics
{
    /// <summary>Seconds from an append's start to its acknowledgement (or refusal), tagged with <see cref="TelemetryTags.AuditResult"/>.</summary>
    public static Histogram<double> AppendDuration { get; } = GovernanceTelemetry.Meter.CreateHistogram(
        "governedcrm.audit.append.duration", "s", "Time from an audit append to its durable acknowledgement or refusal.", tags: null,
        new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    /// <summary>Seconds a verification of the chain took, tagged with <see cref="TelemetryTags.VerifyValid"/> and, when it failed, <see cref="TelemetryTags.Code"/>.</summary>
    public static Histogram<double> VerifyDuration { get; } = GovernanceTelemetry.Meter.CreateHistogram(
        "governedcrm.audit.verify.duration", "s", "Time a verification of the audit chain took.", tags: null,
        new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600] });

    /// <summary>Records an append that started at <paramref name="started"/> (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    /// <param name="started">When it started.</param>
    /// <param name="acknowledged">True when the entry is durable; false when the trail refused it.</param>
    public static void Appended(long started, bool acknowledged) =>
        AppendDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>(TelemetryTags.AuditResult, acknowledged ? "ok" : "unavailable"));

    /// <summary>Records a verification (the <c>Audit.VerifyChain</c> tool, the console's check).</summary>
    /// <param name="report">Its report.</param>
    public static void Verified(VerifyReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (VerifyDuration.Enabled)
        {
            VerifyDuration.Record(report.Elapsed.TotalSeconds, new TagList { { TelemetryTags.VerifyValid, report.Valid }, { TelemetryTags.Code, report.Code } });
        }
    }
}
