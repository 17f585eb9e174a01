namespace GovernedCrm.Hosting;

/// <summary>
/// Hot reload: watches the policy file and, when it changes, validates it and swaps it in atomically. An invalid
/// or missing file keeps the policy in force and logs why. Editors that save by writing a new file and renaming
/// it over the old one are handled (the folder is watched, not the file).
/// </summary>
internal sealed partial class PolicyFileWatcher : IHostedService, IDisposable
{
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(200);

    private readonly ActivePolicy _active;
    private readonly string _path;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private static readonly TimeSpan PollEvery = TimeSpan.FromSeconds(2);

    private FileSystemWatcher? _watcher;
    private Timer? _debounce;
    private Timer? _poll;
    private (DateTime Written, long Length) _seen;

    public PolicyFileWatcher(ActivePolicy active, string path, ILogger<PolicyFileWatcher> logger)
    {
        _active = active;
        _path = Path.GetFullPath(path);
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _debounce = new Timer(_ => Reload(), null, Timeout.Infinite, Timeout.Infinite);
        _watcher = new FileSystemWatcher(Path.GetDirectoryName(_path)!, Path.GetFileName(_path))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        _watcher.Changed += (_, _) => Schedule();
        _watcher.Created += (_, _) => Schedule();
        _watcher.Renamed += (_, _) => Schedule();
        _watcher.Deleted += (_, _) => Schedule();
        _watcher.EnableRaisingEvents = true;

        // File-change events can be missed (network and container file systems): a light poll of the file's
        // time stamp and length catches what they miss.
        _seen = Stamp();
        _poll = new Timer(_ => Poll(), null, PollEvery, PollEvery);
        LogWatching(_logger, _path, _active.Version);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        if (_watcher is not null)
        {
            _watcher.EnableRaisingEvents = false;
        }

        _poll?.Change(Timeout.Infinite, Timeout.Infinite);

        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _debounce?.Dispose();
        _poll?.Dispose();
    }

    /// <summary>Reloads now: validates the file and swaps it in when it is valid and different.</summary>
    /// <returns>True when a new policy is in force.</returns>
    public bool Reload()
    {
        lock (_gate)
        {
            var result = PolicyLoader.LoadFile(_path);
            if (result.Policy is not { } next)
            {
                LogInvalid(_logger, _path, _active.Version, string.Join(Environment.NewLine, result.Errors));
                return false;
            }

            var previous = _active.Version;
            if (next.Version == previous)
            {
                return false;
            }

            _active.Replace(next);
            LogReloaded(_logger, _path, previous, next.Version);
            return true;
        }
    }

    private void Schedule() => _debounce?.Change(Settle, Timeout.InfiniteTimeSpan);

    private void Poll()
    {
        var stamp = Stamp();
        if (stamp != _seen)
        {
            _seen = stamp;
            Schedule();
        }
    }

    private (DateTime Written, long Length) Stamp()
    {
        var info = new FileInfo(_path);
        return info.Exists ? (info.LastWriteTimeUtc, info.Length) : (DateTime.MinValue, -1);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Policy {Path} (version {Version}) is watched for changes")]
    private static partial void LogWatching(ILogger logger, string path, string version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Policy reloaded from {Path}: version {Previous} -> {Version}")]
    private static partial void LogReloaded(ILogger logger, string path, string previous, string version);

    [LoggerMessage(Level = LogLevel.Error, Message = "Policy file {Path} is invalid; policy version {Version} stays in force:\n{Errors}")]
    private static partial void LogInvalid(ILogger logger, string path, string version, string errors);
}
