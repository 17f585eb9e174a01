namespace GovernedCrm.Crm.Remote;

/// <summary>
/// How a remote CRM's HTTP client retries, breaks and times out (see <see cref="RemoteCrmHttpClients"/>). The defaults
/// suit HubSpot's and Salesforce's public APIs; tests shorten them.
/// </summary>
public sealed class RemoteCrmResilienceOptions
{
    /// <summary>How long one attempt may take before it is abandoned (default 10 s).</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a call may take with all its retries and waits (default 30 s).</summary>
    public TimeSpan TotalTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How many times a read is sent again after a transient failure (default 3).</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>The first backoff delay, doubled at each retry, with jitter (default 1 s). A Retry-After header replaces it.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The longest Retry-After honoured by waiting (default 10 s); a longer one is not waited for: the call fails at once
    /// with <c>crm.rate_limited</c> and the hint, so a tool call never hangs on a CRM's long back-off.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The share of failed attempts, within <see cref="BreakSamplingDuration"/>, that opens the circuit (default 0.5).</summary>
    public double BreakFailureRatio { get; init; } = 0.5;

    /// <summary>The fewest attempts within <see cref="BreakSamplingDuration"/> before the circuit may open (default 10).</summary>
    public int BreakMinimumThroughput { get; init; } = 10;

    /// <summary>The window the failure ratio is measured over (default 30 s).</summary>
    public TimeSpan BreakSamplingDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long calls are refused once the circuit opens (default 15 s).</summary>
    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(15);
}
