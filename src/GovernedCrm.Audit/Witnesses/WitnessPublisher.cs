using GovernedCrm.Audit.Checkpoints;
using GovernedCrm.Audit.Proofs;

namespace GovernedCrm.Audit.Witnesses;

/// <summary>
/// Publishes the audit trail's signed checkpoints to the configured witnesses, in the background: one lane per witness,
/// each with its own durable position (<see cref="WitnessPositions"/>) and its own retry backoff, so a slow or
/// unreachable witness delays no tool call, no audit append and no other witness. A lane wakes when the writer has
/// exported a checkpoint (<see cref="Notify"/>), every poll interval, and at startup (catching up after a restart); it
/// publishes each chain's newest checkpoint validly signed by the audit key that the witness does not hold yet. After
/// an outage that is the newest one only: it vouches for everything before it (a tlog-witness gets the consistency
/// proof from the size it holds).
/// </summary>
public sealed partial class WitnessPublisher : IAsyncDisposable
{
    private readonly string _databasePath;
    private readonly string _verifierKey;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly WitnessPublisherOptions _options;
    private readonly Lazy<HttpClient> _http;
    private readonly CancellationTokenSource _closing = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Lane> _lanes = [];
    private int _disposed;

    private WitnessPublisher(string databasePath, string verifierKey, TimeProvider time, ILogger logger, WitnessPublisherOptions options)
    {
        _databasePath = databasePath;
        _verifierKey = verifierKey;
        _time = time;
        _logger = logger;
        _options = options;
        _http = new Lazy<HttpClient>(() => WitnessHttp.CreateClient(options.RequestTimeout));
    }

    /// <summary>Creates the publisher (one lane per witness, its positions loaded); <see cref="Start"/> starts the lanes.</summary>
    /// <param name="databasePath">The audit database.</param>
    /// <param name="verifierKey">The audit public key: only checkpoints it validly signed are published.</param>
    /// <param name="targets">The witnesses.</param>
    /// <param name="stateFolder">Where the positions are kept (the data folder's <c>witnesses</c> folder).</param>
    /// <param name="time">Paces polls and retries.</param>
    /// <param name="logger">Logs what was published and every failure (never a credential: witness URLs carry none).</param>
    /// <param name="options">Pacing; null for the defaults.</param>
    /// <returns>The publisher; dispose it after the audit writer (it makes a last attempt with the final checkpoint).</returns>
    public static WitnessPublisher Create(
        string databasePath, string verifierKey, IReadOnlyList<WitnessTarget> targets, string stateFolder, TimeProvider time, ILogger logger, WitnessPublisherOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var publisher = new WitnessPublisher(databasePath, verifierKey, time, logger, options ?? new WitnessPublisherOptions());
        foreach (var target in targets)
        {
            var lane = new Lane(WitnessClients.Open(target, () => publisher._http.Value), WitnessPositions.Load(stateFolder, target));
            publisher._lanes.Add(lane);
            LogStarted(logger, lane.Witness.Name, target.Kind);
        }

        return publisher;
    }

    /// <summary>Starts the lanes (once the audit database exists); each catches up at once.</summary>
    public void Start()
    {
        foreach (var lane in _lanes)
        {
            lane.Loop ??= Task.Run(() => RunAsync(lane), CancellationToken.None);
        }
    }

    /// <summary>A checkpoint was exported: wakes every lane (never blocks, never throws).</summary>
    public void Notify()
    {
        foreach (var lane in _lanes)
        {
            lane.Wake();
        }
    }

    /// <summary>Makes a last attempt to publish (bounded by the shutdown grace), then stops every lane.</summary>
    /// <returns>A task.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _stopping.CancelAfter(_options.ShutdownGrace);
        await _closing.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_lanes.Select(l => l.Loop ?? Task.CompletedTask)).ConfigureAwait(false);
        foreach (var lane in _lanes)
        {
            lane.Dispose();
        }

        _closing.Dispose();
        _stopping.Dispose();
        if (_http.IsValueCreated)
        {
            _http.Value.Dispose();
        }
    }

    private async Task RunAsync(Lane lane)
    {
        var failures = 0;
        while (true)
        {
            var closing = _closing.IsCancellationRequested;
            try
            {
                await PublishPendingAsync(lane, _stopping.Token).ConfigureAwait(false);
                failures = 0;
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is WitnessException or SqliteException or IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                failures++;
                LogFailed(_logger, lane.Witness.Name, failures, (long)Backoff(failures).TotalSeconds, ex.Message);
            }

            if (closing)
            {
                return;
            }

            try
            {
                if (failures > 0)
                {
                    await Task.Delay(Backoff(failures), _time, _closing.Token).ConfigureAwait(false);
                }
                else
                {
                    await lane.WaitAsync(_options.PollInterval, _time, _closing.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
                // Closing: one last pass carries the final checkpoint.
            }
        }
    }

    private async Task PublishPendingAsync(Lane lane, CancellationToken cancellationToken)
    {
        foreach (var chain in await ChainCheckpoints.ChainsAsync(_databasePath, cancellationToken).ConfigureAwait(false))
        {
            if (await ChainCheckpoints.NewestAsync(_databasePath, chain, _verifierKey, cancellationToken).ConfigureAwait(false) is not { } newest)
            {
                continue;
            }

            var held = lane.Positions.SizeOf(chain);
            var size = newest.Checkpoint.Size;
            if (size <= held)
            {
                continue;
            }

            var receipt = await lane.Witness.PublishAsync(
                new WitnessSubmission(chain, newest.Note, size, held, (old, token) => ProveAsync(chain, old, size, token)), cancellationToken).ConfigureAwait(false);
            lane.Positions.Accepted(chain, receipt);
            LogPublished(_logger, chain, size, lane.Witness.Name, receipt.Cosigned is not null);
        }
    }

    private async Task<IReadOnlyList<byte[]>> ProveAsync(string chain, long oldSize, long newSize, CancellationToken cancellationToken)
    {
        var leaves = await ChainLeafHashes.ReadAsync(_databasePath, chain, newSize, cancellationToken).ConfigureAwait(false);
        if (leaves.Count < newSize)
        {
            throw new InvalidOperationException($"chain '{chain}' has {leaves.Count} entries, fewer than its signed checkpoint at {newSize}; run governed-crm verify");
        }

        return leaves.ConsistencyProof(oldSize, newSize);
    }

    private TimeSpan Backoff(int failures)
    {
        var ticks = _options.RetryMin.Ticks * Math.Pow(2, Math.Min(failures - 1, 30));
        return TimeSpan.FromTicks((long)Math.Min(ticks, _options.RetryMax.Ticks));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit checkpoints are published to witness {Witness} ({Kind})")]
    private static partial void LogStarted(ILogger logger, string witness, WitnessKind kind);

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit checkpoint of chain {Chain} at size {Size} published to witness {Witness} (cosigned: {Cosigned})")]
    private static partial void LogPublished(ILogger logger, string chain, long size, string witness, bool cosigned);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit checkpoints could not reach witness {Witness} (failure {Failures}; next attempt in {RetrySeconds} s): {Reason}")]
    private static partial void LogFailed(ILogger logger, string witness, int failures, long retrySeconds, string reason);

    /// <summary>One witness: its client, its positions, its wake-up signal and its loop.</summary>
    private sealed class Lane(IWitness witness, WitnessPositions positions) : IDisposable
    {
        private readonly SemaphoreSlim _signal = new(0, 1);

        public IWitness Witness { get; } = witness;

        public WitnessPositions Positions { get; } = positions;

        public Task? Loop { get; set; }

        public void Dispose() => _signal.Dispose();

        public void Wake()
        {
            try
            {
                _signal.Release();
            }
            catch (Exception ex) when (ex is SemaphoreFullException or ObjectDisposedException)
            {
                // Already woken: the next pass sees every checkpoint.
            }
        }

        /// <summary>Returns when woken or after <paramref name="poll"/>; throws when <paramref name="cancellationToken"/> is cancelled.</summary>
        public async Task WaitAsync(TimeSpan poll, TimeProvider time, CancellationToken cancellationToken)
        {
            using var timeout = new CancellationTokenSource(poll, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
            try
            {
                await _signal.WaitAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The poll interval passed.
            }
        }
    }
}
