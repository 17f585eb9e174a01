using System.Security.Cryptography;

namespace GovernedCrm.Persistence.Files;

/// <summary>
/// Reads and writes small secret files (key files) that only their owner may access. A write never leaves a partial
/// or a world-readable file: the content goes to a temporary file in the same folder that is created with mode 0600
/// (Unix) from the start, flushed to disk, then renamed into place, and the folder is flushed after the rename where
/// the platform allows it. A missing folder is created with mode 0700 (Unix).
/// </summary>
/// <remarks>
/// <see cref="File.Move(string, string, bool)"/> without overwrite checks for the target and then renames, which is
/// not atomic on Unix. <see cref="TryWriteNew"/> therefore creates under an exclusive lock file beside the target
/// (<c>.&lt;name&gt;.lock</c>, 0600, kept) and looks for the target again under it; a read-modify-write such as a
/// key rotation holds <see cref="Lock"/> around its read and its <see cref="Replace"/>.
/// </remarks>
public static class OwnerOnlyFile
{
    /// <summary>The Unix permission bits that give group or others any access.</summary>
    public const UnixFileMode GroupOrOthers =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Reads a key file, unless group or others may access it (Unix; Windows has no mode bits) or it is larger than
    /// <paramref name="maxBytes"/>: then nothing is read. The caller zeroes the content.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="maxBytes">The largest size accepted.</param>
    /// <param name="content">The bytes read; empty unless <see cref="OwnerOnlyReadStatus.Read"/>.</param>
    /// <param name="mode">The file's mode (0 on Windows), for the message of <see cref="OwnerOnlyReadStatus.AccessibleToOthers"/>.</param>
    /// <returns>Whether the content was read, or why not.</returns>
    /// <exception cref="IOException">The file is missing or cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be opened.</exception>
    public static OwnerOnlyReadStatus TryRead(string path, int maxBytes, out byte[] content, out UnixFileMode mode)
    {
        content = [];
        mode = OperatingSystem.IsWindows() ? 0 : File.GetUnixFileMode(path);
        if ((mode & GroupOrOthers) != 0)
        {
            return OwnerOnlyReadStatus.AccessibleToOthers;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        if (stream.Length > maxBytes)
        {
            return OwnerOnlyReadStatus.TooLarge;
        }

        content = new byte[stream.Length];
        stream.ReadExactly(content);
        return OwnerOnlyReadStatus.Read;
    }

    /// <summary>
    /// Writes a file that must not exist yet, atomically, with mode 0600; one creator at a time (threads and
    /// processes) through the lock file, and a second look for the file under the lock.
    /// </summary>
    /// <param name="path">The file (a full path).</param>
    /// <param name="content">The content.</param>
    /// <returns>True when this call created the file; false when it already existed (nothing was written).</returns>
    /// <exception cref="IOException">The folder, the lock or the file cannot be written (or the lock stayed taken for 30 s).</exception>
    /// <exception cref="UnauthorizedAccessException">The folder cannot be written.</exception>
    public static bool TryWriteNew(string path, ReadOnlySpan<byte> content)
    {
        using var gate = Lock(path);
        if (File.Exists(path))
        {
            return false;
        }

        return WriteThroughTemporary(path, content, replace: false);
    }

    /// <summary>
    /// Writes the file atomically with mode 0600, replacing any existing one (readers see the old or the new content,
    /// never a mix). A caller that read the old content to make the new one holds <see cref="Lock"/> around both.
    /// </summary>
    /// <param name="path">The file (a full path).</param>
    /// <param name="content">The content.</param>
    /// <exception cref="IOException">The folder or the file cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder cannot be written.</exception>
    public static void Replace(string path, ReadOnlySpan<byte> content) => WriteThroughTemporary(path, content, replace: true);

    /// <summary>
    /// Takes the exclusive lock of the file (an open of <c>.&lt;name&gt;.lock</c> beside it that no other thread or
    /// process can share), creating the folder (0700) when missing; waits up to 30 s for another holder. Not reentrant:
    /// do not call <see cref="TryWriteNew"/> for the same file while holding it.
    /// </summary>
    /// <param name="path">The file (a full path) the lock guards.</param>
    /// <returns>The lock; dispose it to release.</returns>
    /// <exception cref="IOException">The lock stayed taken for 30 s, or cannot be created.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder cannot be written.</exception>
    public static IDisposable Lock(string path)
    {
        var directory = CreateFolderOf(path);
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerReadWrite;
        }

        var lockPath = Path.Combine(directory, "." + Path.GetFileName(path) + ".lock");
        var deadline = Environment.TickCount64 + (long)LockWait.TotalMilliseconds;
        for (var wait = 2; ; wait = Math.Min(wait * 2, 100))
        {
            try
            {
                return new FileStream(lockPath, options);
            }
            catch (IOException) when (Environment.TickCount64 < deadline)
            {
                Thread.Sleep(wait);
            }
        }
    }

    private static string CreateFolderOf(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var directory = Path.GetDirectoryName(path);
        if (string.IsNullOrEmpty(directory))
        {
            throw new ArgumentException("The file path has no folder.", nameof(path));
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return directory;
    }

    // False when replace is false and the file appeared meanwhile (a creator that does not take the lock).
    private static bool WriteThroughTemporary(string path, ReadOnlySpan<byte> content, bool replace)
    {
        var directory = CreateFolderOf(path);
        var temp = Path.Combine(directory, "." + Path.GetFileName(path) + "." + RandomNumberGenerator.GetHexString(16, lowercase: true) + ".tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = OwnerReadWrite;
            }

            using (var stream = new FileStream(temp, options))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            try
            {
                File.Move(temp, path, overwrite: replace);
            }
            catch (IOException) when (!replace && File.Exists(path))
            {
                return false;
            }

            FolderSync.TryFlush(directory);
            return true;
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
