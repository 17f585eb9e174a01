using System.Globalization;

namespace GovernedCrm.Benchmarks;

/// <summary>
/// The machine's CPU time counters from /proc/stat (Linux), to say how much of a timed span the hypervisor gave
/// to other guests (steal) and how much the CPUs sat idle: on a shared virtual machine the same code runs at very
/// different speeds as steal comes and goes, and a report should show it beside its figures.
/// </summary>
/// <param name="Total">All jiffies.</param>
/// <param name="Idle">Idle and I/O-wait jiffies.</param>
/// <param name="Steal">Stolen jiffies.</param>
internal readonly record struct CpuTimes(long Total, long Idle, long Steal)
{
    private const string StatPath = "/proc/stat";

    /// <summary>Reads the counters now; null where /proc/stat is missing or unreadable.</summary>
    public static CpuTimes? Read()
    {
        try
        {
            if (!File.Exists(StatPath))
            {
                return null;
            }

            // "cpu  user nice system idle iowait irq softirq steal guest guest_nice"
            var line = File.ReadLines(StatPath).First(l => l.StartsWith("cpu ", StringComparison.Ordinal));
            var values = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            var total = values.Take(8).Sum();
            return new CpuTimes(total, values[3] + values[4], values.Length > 7 ? values[7] : 0);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Steal and idle as percentages of the CPU time between two readings; null when either is missing.</summary>
    public static object? Between(CpuTimes? before, CpuTimes? after)
    {
        if (before is not { } b || after is not { } a || a.Total <= b.Total)
        {
            return null;
        }

        var total = (double)(a.Total - b.Total);
        return new
        {
            StealPercent = Math.Round(100 * (a.Steal - b.Steal) / total, 1),
            IdlePercent = Math.Round(100 * (a.Idle - b.Idle) / total, 1),
        };
    }
}
