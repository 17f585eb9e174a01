using System.Diagnostics;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace GovernedCrm.Benchmarks;

/// <summary>
/// One kind of call the governed-path benchmark times: a client (the audited server or the no-audit one), a tool
/// and its arguments for the i-th call. Every timed call must succeed, and a write must have executed (not wait
/// for approval), or the comparison would be between different work.
/// </summary>
/// <param name="Name">How the report names it.</param>
/// <param name="Client">The connected client.</param>
/// <param name="Tool">The tool.</param>
/// <param name="Arguments">The arguments of the i-th call.</param>
/// <param name="IsWrite">Whether it changes the record (its answer must say executed).</param>
internal sealed record GovernedPathCall(string Name, McpClient Client, string Tool, Func<int, IReadOnlyDictionary<string, object?>> Arguments, bool IsWrite)
{
    /// <summary>Calls once and returns the round trip in microseconds.</summary>
    /// <param name="i">The call's number (picks the arguments).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Microseconds from send to receive.</returns>
    public async Task<double> TimeAsync(int i, CancellationToken cancellationToken)
    {
        var arguments = Arguments(i);
        var start = Stopwatch.GetTimestamp();
        var result = await Client.CallToolAsync(Tool, arguments, cancellationToken: cancellationToken).ConfigureAwait(false);
        var end = Stopwatch.GetTimestamp();
        Check(result);
        return (end - start) * 1_000_000.0 / Stopwatch.Frequency;
    }

    /// <summary>Throws unless the answer is a success (and, for a write, an executed change).</summary>
    /// <param name="result">The answer.</param>
    public void Check(CallToolResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.IsError == true)
        {
            throw new InvalidOperationException($"{Name} ({Tool}) failed during the run: {GovernedPathBenchmark.Describe(result)}");
        }

        if (IsWrite && !(result.StructuredContent is { } content && content.TryGetProperty("outcome", out var outcome) && outcome.GetString() == "executed"))
        {
            throw new InvalidOperationException($"{Name} ({Tool}) did not execute: {GovernedPathBenchmark.Describe(result)}");
        }
    }
}
