using System.Security.Cryptography;
using System.Text;

namespace GovernedCrm.OAuth.Broker;

/// <summary>
/// The cross-process refresh lock of one (user, provider): a file opened with <see cref="FileShare.None"/>, which .NET
/// on Linux and macOS backs with an exclusive <c>flock</c> (and Windows with a share-mode lock), released when the
/// handle closes, also when the process dies. The file is named by a SHA-256 of user and provider, so no user name
/// appears on disk, and is never deleted (deleting a lock file races with a process about to open it).
/// </summary>
internal sealed class RefreshLockFile : IAsyncDisposable
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMilliseconds(100);

    private readonly FileStream _stream;

    private RefreshLockFile(FileStream stream) => _stream = stream;

    public static string PathFor(string folder, string user, string provider)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{user.Length}:{user}|{provider}"));
        return Path.Combine(folder, $"refresh-{Convert.ToHexStringLower(hash)}.lock");
    }

    /// <exception cref="TimeoutException">Another holder kept the lock longer than the timeout.</exception>
    public static async Task<RefreshLockFile> AcquireAsync(string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // Wall-clock time, not an injected clock: the other holder runs on the real one.
        var started = TimeProvider.System.GetTimestamp();
        var backoff = FirstBackoff;
        while (true)
        {
            try
            {
                return new RefreshLockFile(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1, FileOptions.None));
            }
            catch (IOException) when (TimeProvider.System.GetElapsedTime(started) < timeout)
            {
                // Held by another process (or another broker in this one): wait and retry.
                await Task.Delay(backoff, cancellationToken).ConfigureAwait(false);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
            catch (IOException ex)
            {
                throw new TimeoutException($"The token refresh lock {Path.GetFileName(path)} stayed held for more than {timeout}.", ex);
            }
        }
    }

    public ValueTask DisposeAsync() => _stream.DisposeAsync();
}
