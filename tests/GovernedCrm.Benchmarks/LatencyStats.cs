namespace GovernedCrm.Benchmarks;

/// <summary>Summary of one tool's round-trip latencies, in microseconds.</summary>
/// <param name="Tool">The tool's protocol name.</param>
/// <param name="Governed">Whether the call ran through the governance path.</param>
/// <param name="Samples">How many round trips were measured.</param>
/// <param name="Min">The fastest round trip.</param>
/// <param name="Mean">The arithmetic mean.</param>
/// <param name="P50">The median.</param>
/// <param name="P90">The 90th percentile.</param>
/// <param name="P99">The 99th percentile.</param>
/// <param name="Max">The slowest round trip.</param>
internal sealed record LatencyStats(
    string Tool, bool Governed, int Samples, double Min, double Mean, double P50, double P90, double P99, double Max)
{
    public static LatencyStats From(string tool, bool governed, double[] microseconds)
    {
        var sorted = (double[])microseconds.Clone();
        Array.Sort(sorted);
        return new LatencyStats(
            tool,
            governed,
            sorted.Length,
            Round(sorted[0]),
            Round(sorted.Average()),
            Round(Percentile(sorted, 50)),
            Round(Percentile(sorted, 90)),
            Round(Percentile(sorted, 99)),
            Round(sorted[^1]));
    }

    // Nearest rank rather than interpolation: every reported percentile is a latency that was actually observed.
    public static double Percentile(double[] sorted, double percent)
    {
        var rank = (int)Math.Ceiling(percent / 100 * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }

    public static double Round(double value) => Math.Round(value, 1, MidpointRounding.AwayFromZero);
}
