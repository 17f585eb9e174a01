namespace GovernedCrm.Audit.Witnesses;

/// <summary>How the witness publisher paces itself.</summary>
public sealed record WitnessPublisherOptions
{
    /// <summary>How often each witness is looked at without being told of a new checkpoint (catches checkpoints other processes signed).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The first wait after a failure; it doubles after each further failure.</summary>
    public TimeSpan RetryMin { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two attempts.</summary>
    public TimeSpan RetryMax { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The longest an HTTP request to a witness may take.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>At shutdown, how long the final checkpoint may take to reach the witnesses (the rest goes at the next start).</summary>
    public TimeSpan ShutdownGrace { get; init; } = TimeSpan.FromSeconds(5);
}
