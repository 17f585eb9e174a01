using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace GovernedCrm.Governance.Telemetry;

/// <summary>
/// Where governed calls are traced and measured: one <see cref="ActivitySource"/> and one <see cref="Meter"/>, both
/// named <see cref="Name"/>. Nothing listens to them unless the host exports telemetry (docs/opentelemetry.md); with no
/// listener, starting a span returns null and recording a measurement does nothing.
/// </summary>
public static class GovernanceTelemetry
{
    /// <summary>The name of the activity source and of the meter.</summary>
    public const string Name = "GovernedCrm";

    /// <summary>The spans of governed calls: one per call, one per pipeline step under it.</summary>
    public static ActivitySource Source { get; } = new(Name);

    /// <summary>The server's instruments (calls, denials, audit append and verify durations, pending approvals).</summary>
    public static Meter Meter { get; } = new(Name);
}
