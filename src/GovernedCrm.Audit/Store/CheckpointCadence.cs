namespace GovernedCrm.Audit.Store;

/// <summary>
/// When the writer signs checkpoints: a chain's checkpoint is due every N committed entries, every T seconds (the
/// timer queues a tick through the append queue, so signing stays on the writer loop), and at shutdown. Keeps each
/// chain's committed size and Merkle frontier, and the signed notes until a group stores them.
/// </summary>
internal sealed partial class CheckpointCadence
{
    private readonly Dictionary<string, ChainState> _chains = new(StringComparer.Ordinal);
    private readonly List<SignedNote> _notes = [];
    private readonly ICheckpointPublisher _checkpoints;
    private readonly AuditStoreOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates the cadence.</summary>
    /// <param name="checkpoints">Signs checkpoints.</param>
    /// <param name="options">The entry count and interval that make a checkpoint due.</param>
    /// <param name="logger">Logs failed signatures.</param>
    public CheckpointCadence(ICheckpointPublisher checkpoints, AuditStoreOptions options, ILogger logger)
    {
        _checkpoints = checkpoints;
        _options = options;
        _logger = logger;
    }

    /// <summary>Signed notes not yet stored, oldest first; the next group stores them.</summary>
    public IReadOnlyList<SignedNote> Notes => _notes;

    /// <summary>Queues a tick every checkpoint interval until <paramref name="stopping"/> is cancelled.</summary>
    /// <param name="queue">The append queue the ticks go to.</param>
    /// <param name="time">Paces the ticks.</param>
    /// <param name="stopping">Stops the timer.</param>
    /// <returns>The timer's task.</returns>
    public Task StartTimer(AppendQueue queue, TimeProvider time, CancellationToken stopping) =>
        Task.Run(
            async () =>
            {
                try
                {
                    while (!stopping.IsCancellationRequested)
                    {
                        await Task.Delay(_options.CheckpointInterval, time, stopping).ConfigureAwait(false);
                        queue.Tick();
                    }
                }
                catch (OperationCanceledException)
                {
                    // Shutting down: the final checkpoint is signed by the writer's disposal.
                }
            },
            CancellationToken.None);

    /// <summary>Records a chain's head after a commit: its size and frontier are what the next checkpoint signs.</summary>
    /// <param name="chain">The chain.</param>
    /// <param name="frontier">The committed frontier (owned by the cadence from now on).</param>
    public void Committed(string chain, MerkleFrontier frontier)
    {
        if (!_chains.TryGetValue(chain, out var state))
        {
            state = new ChainState();
            _chains[chain] = state;
        }

        state.Size = frontier.Size;
        state.Root = frontier;
    }

    /// <summary>Signs a checkpoint of every chain that is due (or of every chain with new entries, when forced).</summary>
    /// <param name="force">Sign every chain with entries since its last checkpoint (the timer's tick, shutdown).</param>
    public void SignDue(bool force)
    {
        foreach (var (chain, state) in _chains)
        {
            if (state.Root is null || state.Size <= state.CheckpointedSize)
            {
                continue;
            }

            if (!force && state.Size - state.CheckpointedSize < _options.CheckpointEveryEntries)
            {
                continue;
            }

            try
            {
                _notes.Add(new SignedNote(chain, state.Size, _checkpoints.Sign(chain, state.Size, state.Root.Root())));
                state.CheckpointedSize = state.Size;
            }
#pragma warning disable CA1031 // A failed signature is logged and retried; the entries themselves are committed.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogCheckpointFailed(_logger, chain, state.Size, ex.GetType().Name);
            }
        }
    }

    /// <summary>Takes the oldest notes once a commit has stored them.</summary>
    /// <param name="count">How many the commit stored.</param>
    /// <returns>Those notes, for export once the commit is durable.</returns>
    public SignedNote[] TakeStored(int count)
    {
        if (count == 0)
        {
            return [];
        }

        var stored = _notes.GetRange(0, count).ToArray();
        _notes.RemoveRange(0, count);
        return stored;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit checkpoint of chain {Chain} at size {Size} failed: {Error}")]
    private static partial void LogCheckpointFailed(ILogger logger, string chain, long size, string error);

    private sealed class ChainState
    {
        public long Size { get; set; }

        public long CheckpointedSize { get; set; }

        public MerkleFrontier? Root { get; set; }
    }
}
