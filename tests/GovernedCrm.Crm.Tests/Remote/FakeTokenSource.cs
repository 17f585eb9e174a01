using System.Collections.Concurrent;
using GovernedCrm.Crm.Remote;

namespace GovernedCrm.Crm.Tests.Remote;

/// <summary>
/// A token source for tests: each user has a current token ("{user}-{provider}-token-1"); asked with a rejected token,
/// it "refreshes" to the next number. Counts calls and records the rejected tokens it was given. Every token it hands
/// out is registered with the introspector, so the double accepts it as that user.
/// </summary>
internal sealed class FakeTokenSource(Uri? instanceUrl = null) : ICrmAccessTokenSource
{
    private readonly ConcurrentDictionary<string, int> _generation = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string User, string Provider, string? Rejected)> _requests = new();

    /// <summary>Token value → user, for the double's introspection.</summary>
    public ConcurrentDictionary<string, string> Subjects { get; } = new(StringComparer.Ordinal);

    /// <summary>Users who are not connected.</summary>
    public ConcurrentDictionary<string, bool> NotConnected { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<(string User, string Provider, string? Rejected)> Requests => [.. _requests];

    public int Calls => _requests.Count;

    public static string TokenOf(string user, string provider, int generation) => $"{user}-{provider}-secret-token-{generation}";

    public string Current(string user, string provider) => TokenOf(user, provider, _generation.GetOrAdd(user + "|" + provider, 1));

    public ValueTask<CrmAccessToken> GetAsync(string user, string provider, CrmAccessToken? rejected, CancellationToken cancellationToken)
    {
        _requests.Enqueue((user, provider, rejected?.Reveal()));
        if (NotConnected.ContainsKey(user))
        {
            throw new CrmNotConnectedException(provider, $"{user} has not connected a {provider} account.");
        }

        var key = user + "|" + provider;
        var generation = rejected is null
            ? _generation.GetOrAdd(key, 1)
            : _generation.AddOrUpdate(key, 2, (_, g) => rejected.Reveal() == TokenOf(user, provider, g) ? g + 1 : g);
        var value = TokenOf(user, provider, generation);
        Subjects[value] = user;
        return ValueTask.FromResult(new CrmAccessToken(value, null, instanceUrl));
    }

    public ValueTask<string?> IntrospectAsync(string token, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Subjects.TryGetValue(token, out var user) ? user : null);
}
