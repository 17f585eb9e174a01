using System.Diagnostics;
using System.Globalization;

namespace GovernedCrm.Benchmarks;

/// <summary>
/// Counts the fsync and fdatasync system calls of another process while it runs, through the kernel's syscall
/// tracepoints (<c>perf stat -e syscalls:sys_enter_fdatasync,syscalls:sys_enter_fsync -p PID</c>): every durable flush
/// of the server's audit WAL is one of them, so the audit entries written meanwhile divided by this count is the
/// number of entries each durable flush covered. Needs perf and access to the tracepoints (root, or a low
/// perf_event_paranoid); where either is missing, <see cref="TryStart"/> says why and the figure is left out.
/// </summary>
internal sealed class DurableFlushCounter : IDisposable
{
    private static readonly string[] Events = ["syscalls:sys_enter_fdatasync", "syscalls:sys_enter_fsync"];

    private readonly Process _perf;

    private DurableFlushCounter(Process perf) => _perf = perf;

    /// <summary>Starts counting for <paramref name="processId"/>; null (and why) when perf cannot.</summary>
    public static DurableFlushCounter? TryStart(int processId, out string? unavailable)
    {
        unavailable = null;
        var info = new ProcessStartInfo("perf")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["stat", "-x", ",", "-e", string.Join(',', Events), "-p", processId.ToString(CultureInfo.InvariantCulture)])
        {
            info.ArgumentList.Add(argument);
        }

        try
        {
            var perf = Process.Start(info)!;

            // perf attaches within a few milliseconds; a process that ends at once could not (no access, no tracepoints).
            if (perf.WaitForExit(300))
            {
                unavailable = $"perf stat ended at once: {perf.StandardError.ReadToEnd().Trim()}";
                perf.Dispose();
                return null;
            }

            return new DurableFlushCounter(perf);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            unavailable = $"perf is not available ({ex.Message})";
            return null;
        }
    }

    /// <summary>Stops counting (SIGINT, as perf expects) and returns the number of fsync and fdatasync calls; null when perf printed no count.</summary>
    public long? Stop()
    {
        using (var interrupt = Process.Start("kill", ["-INT", _perf.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            interrupt.WaitForExit();
        }

        var output = _perf.StandardError.ReadToEnd();
        _perf.WaitForExit();

        // CSV lines: "count,unit,event,..."; "<not counted>" or "<not supported>" where an event could not be read.
        long total = 0;
        var seen = 0;
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var fields = line.Split(',');
            if (fields.Length >= 3 && Events.Contains(fields[2], StringComparer.Ordinal)
                && long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            {
                total += count;
                seen++;
            }
        }

        return seen == Events.Length ? total : null;
    }

    public void Dispose()
    {
        if (!_perf.HasExited)
        {
            _perf.Kill();
        }

        _perf.Dispose();
    }
}
