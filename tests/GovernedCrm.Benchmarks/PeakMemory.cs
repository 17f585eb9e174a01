using System.Globalization;

namespace GovernedCrm.Benchmarks;

/// <summary>
/// The peak memory of this process while a piece of work runs: the kernel's resident-set high-water mark (VmHWM,
/// reset first through /proc/self/clear_refs, Linux) and the largest managed heap seen by a sampler every few
/// milliseconds (GC.GetTotalMemory, no collection forced), each beside its value just before the work.
/// </summary>
internal sealed class PeakMemory : IDisposable
{
    private readonly Thread _sampler;
    private readonly long _gcBefore;
    private readonly long? _rssBefore;
    private readonly bool _hwmReset;
    private volatile bool _stopping;
    private long _gcPeak;

    private PeakMemory()
    {
        _gcBefore = GC.GetTotalMemory(forceFullCollection: false);
        _gcPeak = _gcBefore;
        _rssBefore = Status("VmRSS:");
        _hwmReset = ResetHighWaterMark();
        _sampler = new Thread(Sample) { IsBackground = true, Name = "bench-memory" };
        _sampler.Start();
    }

    /// <summary>The figures, once <see cref="Stop"/> has run.</summary>
    public sealed record Figures(double? RssBeforeMegabytes, double? PeakRssMegabytes, bool PeakRssSinceStart, double GcHeapBeforeMegabytes, double PeakGcHeapMegabytes);

    /// <summary>Starts watching.</summary>
    public static PeakMemory Start() => new();

    /// <summary>Stops the sampler and reads the high-water marks.</summary>
    public Figures Stop()
    {
        _stopping = true;
        _sampler.Join();
        Observe();
        return new Figures(
            Megabytes(_rssBefore),
            Megabytes(Status("VmHWM:")),
            _hwmReset,
            Megabytes(_gcBefore)!.Value,
            Megabytes(Interlocked.Read(ref _gcPeak))!.Value);
    }

    public void Dispose()
    {
        _stopping = true;
        _sampler.Join();
    }

    private void Sample()
    {
        while (!_stopping)
        {
            Observe();
            Thread.Sleep(2);
        }
    }

    private void Observe()
    {
        var now = GC.GetTotalMemory(forceFullCollection: false);
        long seen;
        while (now > (seen = Interlocked.Read(ref _gcPeak)) && Interlocked.CompareExchange(ref _gcPeak, now, seen) != seen)
        {
        }
    }

    private static double? Megabytes(long? bytes) => bytes is { } b ? Math.Round(b / (1024.0 * 1024.0), 1) : null;

    /// <summary>Writing 5 to /proc/self/clear_refs resets the peak resident set size (VmHWM) to the current one.</summary>
    private static bool ResetHighWaterMark()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>A "Name:   123 kB" line of /proc/self/status, in bytes; null where it cannot be read.</summary>
    internal static long? Status(string name, int? processId = null)
    {
        try
        {
            var path = processId is { } pid ? $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status" : "/proc/self/status";
            var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal));
            var parts = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return parts is { Length: >= 2 } && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var kb) ? kb * 1024 : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
