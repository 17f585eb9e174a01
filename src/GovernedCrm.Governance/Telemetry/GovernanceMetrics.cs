using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace GovernedCrm.Governance.Telemetry;

/// <summary>
/// The call instruments: every governed call counted by tool and outcome, and every denial by its code. The pipeline
/// records the calls it runs; the host records the calls it refuses before the pipeline (no RECEIVED entry, no
/// governance metadata) with <see cref="RefusedBeforePipeline"/>.
/// </summary>
public static class GovernanceMetrics
{
    /// <summary>Governed tool calls, tagged with <see cref="TelemetryTags.Tool"/> and <see cref="TelemetryTags.Outcome"/>.</summary>
    public static Counter<long> Calls { get; } = GovernanceTelemetry.Meter.CreateCounter<long>(
        "governedcrm.calls", "{call}", "Governed tool calls, by tool and outcome.");

    /// <summary>Denied calls, tagged with <see cref="TelemetryTags.Code"/> and <see cref="TelemetryTags.Tool"/>.</summary>
    public static Counter<long> Denials { get; } = GovernanceTelemetry.Meter.CreateCounter<long>(
        "governedcrm.denials", "{call}", "Governed tool calls refused, by refusal code and tool.");

    /// <summary>Counts a call the host refused before the pipeline could run it.</summary>
    /// <param name="tool">The tool's name.</param>
    /// <param name="code">The refusal's code.</param>
    public static void RefusedBeforePipeline(string tool, string code) => Record(tool, new CallOutcome(CallOutcome.Denied, code, null));

    /// <summary>Counts one call (and its denial).</summary>
    /// <param name="tool">The tool's name.</param>
    /// <param name="outcome">How it ended.</param>
    internal static void Record(string tool, CallOutcome outcome)
    {
        if (Calls.Enabled)
        {
            Calls.Add(1, new TagList { { TelemetryTags.Tool, tool }, { TelemetryTags.Outcome, outcome.Name } });
        }

        if (outcome.IsDenial && Denials.Enabled)
        {
            Denials.Add(1, new TagList { { TelemetryTags.Code, outcome.Code }, { TelemetryTags.Tool, tool } });
        }
    }
}
