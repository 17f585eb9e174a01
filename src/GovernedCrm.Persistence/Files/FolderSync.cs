using System.Runtime.InteropServices;

namespace GovernedCrm.Persistence.Files;

/// <summary>
/// Flushes a folder's entries to disk (fsync of the folder on Linux and macOS), so that a file just renamed into it is
/// still there after a power loss. .NET cannot open a folder as a file, hence the three libc calls. Best effort: on
/// other systems, or when the folder cannot be opened, nothing happens (the rename itself is still atomic).
/// </summary>
public static class FolderSync
{
    /// <summary>Flushes the folder where the platform allows it.</summary>
    /// <param name="directory">The folder.</param>
    /// <returns>True when the folder was flushed.</returns>
    public static bool TryFlush(string directory)
    {
        int closeOnExec;
        if (OperatingSystem.IsLinux())
        {
            closeOnExec = 0x80000;
        }
        else if (OperatingSystem.IsMacOS())
        {
            closeOnExec = 0x1000000;
        }
        else
        {
            return false;
        }

        // O_RDONLY is 0 on both; a folder opened read-only may be fsync'd.
        var descriptor = NativeMethods.Open(directory, closeOnExec);
        if (descriptor < 0)
        {
            return false;
        }

        try
        {
            return NativeMethods.FSync(descriptor) == 0;
        }
        finally
        {
            _ = NativeMethods.Close(descriptor);
        }
    }

    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "open", ExactSpelling = true, SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

        [DllImport("libc", EntryPoint = "fsync", ExactSpelling = true, SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int FSync(int descriptor);

        [DllImport("libc", EntryPoint = "close", ExactSpelling = true, SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Close(int descriptor);
    }
}
