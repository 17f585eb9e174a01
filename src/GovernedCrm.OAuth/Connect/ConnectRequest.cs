namespace GovernedCrm.OAuth.Connect;

/// <summary>
/// One pending "connect your CRM account" request: who asked (the MCP user), for which provider, and the state of its
/// browser flow. Its id goes into the connect URL and is not a credential: the page signs the browser in and checks it
/// is the same user before anything else happens. Lives in memory only, until it completes or expires.
/// </summary>
public sealed class ConnectRequest
{
    private readonly List<Func<CancellationToken, Task>> _onCompleted = [];

    internal ConnectRequest(string id, string elicitationId, string user, string provider, DateTimeOffset expiresAt)
    {
        Id = id;
        ElicitationId = elicitationId;
        User = user;
        Provider = provider;
        ExpiresAt = expiresAt;
    }

    /// <summary>The opaque id in the connect URL.</summary>
    public string Id { get; }

    /// <summary>The id of the URL elicitation that announced this request (completed when the account is connected).</summary>
    public string ElicitationId { get; }

    /// <summary>The MCP user who must connect.</summary>
    public string User { get; }

    /// <summary>The provider to connect.</summary>
    public string Provider { get; }

    /// <summary>When the request stops being usable.</summary>
    public DateTimeOffset ExpiresAt { get; }

    /// <summary>A random value set as an HttpOnly cookie on the browser that opened the page; later steps require it.</summary>
    public string? BrowserBinding { get; internal set; }

    /// <summary>The state of the sign-in redirect to the identity provider.</summary>
    public string? SignInState { get; internal set; }

    /// <summary>The PKCE verifier of the sign-in redirect (server-side only; taken once).</summary>
    public string? SignInVerifier { get; set; }

    /// <summary>The state of the redirect to the CRM's authorize page (set once the same-user check passed).</summary>
    public string? CrmState { get; internal set; }

    /// <summary>The PKCE verifier of the CRM authorization (server-side only; taken once).</summary>
    public string? CrmVerifier { get; set; }

    internal IReadOnlyList<Func<CancellationToken, Task>> TakeCallbacks()
    {
        lock (_onCompleted)
        {
            var callbacks = _onCompleted.ToArray();
            _onCompleted.Clear();
            return callbacks;
        }
    }

    internal void AddCallback(Func<CancellationToken, Task> callback)
    {
        lock (_onCompleted)
        {
            _onCompleted.Add(callback);
        }
    }
}
