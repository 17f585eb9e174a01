using System.Globalization;

namespace GovernedCrm.Benchmarks;

/// <summary>The machine's 1, 5 and 15 minute load averages from /proc/loadavg (Linux), to show beside figures measured on a shared machine.</summary>
internal static class LoadAverage
{
    /// <summary>The three load averages; null where /proc/loadavg cannot be read.</summary>
    public static double[]? Read()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return parts.Length >= 3 ? parts.Take(3).Select(p => double.Parse(p, CultureInfo.InvariantCulture)).ToArray() : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }
}
