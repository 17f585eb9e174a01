using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace GovernedCrm.OAuth.Connect;

/// <summary>
/// The pending connect requests of this server process. A user asking again for the same provider gets the same
/// pending request (one URL, not a new one per call); requests expire after <see cref="Lifetime"/> and are capped in
/// number, so a caller cannot grow memory without bound. Lookups by id and by the browser flow's states are dictionary lookups of 256-bit random values.
/// </summary>
public sealed class ConnectRequestRegistry : GovernedCrm.Governance.Credentials.IConnectCompletionListeners
{
    /// <summary>How many requests may be pending at once, across users.</summary>
    public const int Capacity = 10_000;

    private readonly ConcurrentDictionary<string, ConnectRequest> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConnectRequest> _byState = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    /// <summary>Creates a registry.</summary>
    /// <param name="time">The clock for expiry.</param>
    /// <param name="lifetime">How long a request stays usable (default 10 minutes).</param>
    public ConnectRequestRegistry(TimeProvider time, TimeSpan? lifetime = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        Lifetime = lifetime ?? TimeSpan.FromMinutes(10);
    }

    /// <summary>How long a request stays usable.</summary>
    public TimeSpan Lifetime { get; }

    /// <summary>Returns the user's pending request for the provider, or a new one.</summary>
    /// <param name="user">The MCP user.</param>
    /// <param name="provider">The provider.</param>
    /// <returns>The request.</returns>
    /// <exception cref="InvalidOperationException">Too many requests are pending.</exception>
    public ConnectRequest GetOrCreate(string user, string provider)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        ArgumentException.ThrowIfNullOrEmpty(provider);
        var now = _time.GetUtcNow();
        Sweep(now);
        lock (_byId)
        {
            foreach (var pending in _byId.Values)
            {
                if (pending.User == user && pending.Provider == provider && pending.CrmState is null && pending.ExpiresAt > now)
                {
                    return pending;
                }
            }

            if (_byId.Count >= Capacity)
            {
                throw new InvalidOperationException("Too many connect requests are pending; try again in a few minutes.");
            }

            var request = new ConnectRequest(RandomTokens.New(), Guid.NewGuid().ToString("N"), user, provider, now + Lifetime);
            _byId[request.Id] = request;
            return request;
        }
    }

    /// <summary>Finds a usable request by its id.</summary>
    /// <param name="id">The id from the connect URL.</param>
    /// <returns>The request, or <see langword="null"/> when unknown or expired.</returns>
    public ConnectRequest? Find(string? id) =>
        id is not null && _byId.TryGetValue(id, out var request) && request.ExpiresAt > _time.GetUtcNow() ? request : null;

    /// <summary>Finds a usable request by the state of its sign-in redirect.</summary>
    /// <param name="state">The state the identity provider sent back.</param>
    /// <returns>The request, or <see langword="null"/>.</returns>
    public ConnectRequest? FindBySignInState(string? state) => FindBy(state, static r => r.SignInState);

    /// <summary>Finds a usable request by the state of its CRM authorization redirect.</summary>
    /// <param name="state">The state the CRM sent back.</param>
    /// <returns>The request, or <see langword="null"/>.</returns>
    public ConnectRequest? FindByCrmState(string? state) => FindBy(state, static r => r.CrmState);

    /// <summary>Binds a request to the browser that opened it and starts its sign-in (set <see cref="ConnectRequest.SignInVerifier"/> next).</summary>
    /// <param name="request">The request.</param>
    /// <returns>The browser binding (cookie value) and the sign-in state.</returns>
    public (string BrowserBinding, string SignInState) BeginSignIn(ConnectRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.BrowserBinding = RandomTokens.New();
        request.SignInState = RandomTokens.New();
        _byState[request.SignInState] = request;
        return (request.BrowserBinding, request.SignInState);
    }

    /// <summary>Returns the PKCE verifier of a request's sign-in, once.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The verifier, or <see langword="null"/> when already taken.</returns>
    public static string? TakeSignInVerifier(ConnectRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var verifier = request.SignInVerifier;
        request.SignInVerifier = null;
        return verifier;
    }

    /// <summary>Moves a request past the same-user check: it now waits for the CRM's callback (set <see cref="ConnectRequest.CrmVerifier"/> next).</summary>
    /// <param name="request">The request.</param>
    /// <returns>The state to send to the CRM's authorize page.</returns>
    public string BeginCrmAuthorization(ConnectRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.CrmState = RandomTokens.New();
        _byState[request.CrmState] = request;
        return request.CrmState;
    }

    /// <summary>Returns the PKCE verifier of a request's CRM authorization, once.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The verifier, or <see langword="null"/> when already taken.</returns>
    public static string? TakeCrmVerifier(ConnectRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var verifier = request.CrmVerifier;
        request.CrmVerifier = null;
        return verifier;
    }

    /// <inheritdoc/>
    public void OnCompleted(string connectRequestId, Func<CancellationToken, Task> onConnected)
    {
        ArgumentNullException.ThrowIfNull(onConnected);
        if (Find(connectRequestId) is { } request)
        {
            request.AddCallback(onConnected);
        }
    }

    /// <summary>Removes a request; when it succeeded, runs its completion callbacks (their failures are returned, not thrown).</summary>
    /// <param name="request">The request.</param>
    /// <param name="succeeded">Whether the account was connected.</param>
    /// <param name="cancellationToken">Cancels the callbacks.</param>
    /// <returns>The callbacks' failures, if any.</returns>
    public async Task<IReadOnlyList<Exception>> CompleteAsync(ConnectRequest request, bool succeeded, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Forget(request);
        var failures = new List<Exception>();
        if (!succeeded)
        {
            request.TakeCallbacks();
            return failures;
        }

        foreach (var callback in request.TakeCallbacks())
        {
            try
            {
                await callback(cancellationToken).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // A client that went away must not fail the connection that was just stored.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                failures.Add(ex);
            }
        }

        return failures;
    }

    private ConnectRequest? FindBy(string? state, Func<ConnectRequest, string?> selector) =>
        !string.IsNullOrEmpty(state) && _byState.TryGetValue(state, out var request)
            && string.Equals(selector(request), state, StringComparison.Ordinal) && request.ExpiresAt > _time.GetUtcNow()
            ? request
            : null;

    private void Forget(ConnectRequest request)
    {
        _byId.TryRemove(request.Id, out _);
        foreach (var state in (ReadOnlySpan<string?>)[request.SignInState, request.CrmState])
        {
            if (state is not null)
            {
                _byState.TryRemove(state, out _);
            }
        }
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (id, request) in _byId)
        {
            if (request.ExpiresAt <= now)
            {
                Forget(request);
            }
        }
    }
}
