using System.Diagnostics;
using GovernedCrm.Governance.Pipeline;
using GovernedCrm.Mcp;
using Microsoft.Extensions.DependencyInjection;

namespace GovernedCrm.Benchmarks;

/// <summary>
/// A Stopwatch and allocation breakdown of the governed path, per step: a probe step after each step
/// notes the time and the bytes this thread allocated on the way in and on the way out, so the difference
/// between neighbouring probes is what the step between them cost. Only the breakdown server has the probes; the
/// measured servers run the pipeline as governed-crm does. Calls are measured one at a time.
/// </summary>
internal sealed class PipelineProbe
{
    private readonly List<Mark> _marks = new(64);

    /// <summary>Adds a probe after each of the steps.</summary>
    /// <param name="mcp">The server builder.</param>
    /// <param name="steps">The pipeline's steps (those of the measured server).</param>
    public void AddTo(IMcpServerBuilder mcp, IEnumerable<string> steps)
    {
        foreach (var step in steps)
        {
            mcp.WithGovernanceStep(step, _ => new ProbeStep(this, step));
        }
    }

    /// <summary>Forgets the previous call's marks and notes the call's start.</summary>
    public void Start()
    {
        _marks.Clear();
        Note("(call)", inbound: true);
    }

    /// <summary>Notes the call's end and returns its segments: name, microseconds, bytes (null when the segment hopped threads).</summary>
    /// <returns>The segments, in the order they ran.</returns>
    public List<(string Segment, double Microseconds, long? Bytes)> Finish()
    {
        Note("(call)", inbound: false);
        var segments = new List<(string, double, long?)>(_marks.Count);
        for (var i = 1; i < _marks.Count; i++)
        {
            var (before, after) = (_marks[i - 1], _marks[i]);
            var name = after.Inbound ? $"{after.Step} in" : before.Inbound ? "tool" : $"{before.Step} out";
            segments.Add((Label(name), (after.Timestamp - before.Timestamp) * 1_000_000.0 / Stopwatch.Frequency,
                after.Thread == before.Thread ? after.Allocated - before.Allocated : null));
        }

        return segments;
    }

    // Inbound, the segment ending at a probe is the step that probe follows; outbound, the segment starting at it.
    private static string Label(string name) => name switch
    {
        "audit in" => "transport + RECEIVED + call-tool filter + audit (in)",
        "audit out" => "audit (out: outcome entry + final wait) + redaction + transport",
        _ => name,
    };

    private void Note(string step, bool inbound) => _marks.Add(new Mark(
        step, inbound, Stopwatch.GetTimestamp(), GC.GetAllocatedBytesForCurrentThread(), Environment.CurrentManagedThreadId));

    private readonly record struct Mark(string Step, bool Inbound, long Timestamp, long Allocated, int Thread);

    private sealed class ProbeStep(PipelineProbe probe, string after) : IGovernanceStep
    {
        public string Name => $"probe-after-{after}";

        public async ValueTask<GovernanceOutcome<TResult>> InvokeAsync<TResult>(GovernedCall call, GovernanceNext<TResult> next, CancellationToken cancellationToken)
        {
            probe.Note(after, inbound: true);
            var outcome = await next(call, cancellationToken).ConfigureAwait(false);
            probe.Note(after, inbound: false);
            return outcome;
        }
    }
}
