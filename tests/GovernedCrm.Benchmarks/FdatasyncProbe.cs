using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace GovernedCrm.Benchmarks;

/// <summary>
/// Measures the disk's durable-write floor on the data folder's file system, in the same run as the calls: one
/// 4 KB write (a WAL frame's worth) into a preallocated file, then fdatasync (fsync where fdatasync is missing,
/// as the audit writer's WAL flush is). The audit trail cannot make an entry durable faster than this.
/// </summary>
internal sealed class FdatasyncProbe : IDisposable
{
    private const int BlockSize = 4096;
    private const int Blocks = 256;
    private readonly SafeFileHandle _file;
    private readonly byte[] _block = new byte[BlockSize];
    private int _next;

    public FdatasyncProbe(string folder)
    {
        Path = System.IO.Path.Combine(folder, "fdatasync-probe.bin");
        _file = File.OpenHandle(Path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, FileOptions.None, BlockSize * Blocks);
        RandomAccess.Write(_file, new byte[BlockSize * Blocks], 0);
        RandomAccess.FlushToDisk(_file);
        Random.Shared.NextBytes(_block);
    }

    public string Path { get; }

    /// <summary>The system call measured: fdatasync on Linux, fsync elsewhere.</summary>
    public static string Call => OperatingSystem.IsLinux() ? "fdatasync" : "fsync";

    /// <summary>Writes one block and flushes it; returns the flush's duration in microseconds.</summary>
    public double Sample()
    {
        _block[0]++;
        RandomAccess.Write(_file, _block, (long)(_next++ % Blocks) * BlockSize);
        var start = Stopwatch.GetTimestamp();
        Flush();
        return (Stopwatch.GetTimestamp() - start) * 1_000_000.0 / Stopwatch.Frequency;
    }

    public void Dispose()
    {
        _file.Dispose();
        File.Delete(Path);
    }

    private void Flush()
    {
        if (!OperatingSystem.IsLinux())
        {
            RandomAccess.FlushToDisk(_file);
            return;
        }

        var added = false;
        _file.DangerousAddRef(ref added);
        try
        {
            if (FileDataSync((int)_file.DangerousGetHandle()) != 0)
            {
                throw new IOException($"fdatasync failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            if (added)
            {
                _file.DangerousRelease();
            }
        }
    }

    [DllImport("libc", EntryPoint = "fdatasync", SetLastError = true, ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int FileDataSync(int fd);
}
