using GovernedCrm.Store.ConsoleLinks;

namespace GovernedCrm.AdminConsole.SignIn;

/// <summary>
/// Issues one-time console sign-in links (<c>governed-crm console-link</c>): the audit entry first (a link nobody can
/// trace never works), then the token's hash and expiry in the governance database. The token itself is returned
/// once, to be printed, and kept nowhere.
/// </summary>
/// <param name="links">The link store.</param>
/// <param name="audit">The audit trail.</param>
/// <param name="time">The clock.</param>
public sealed class ConsoleLinkIssuer(SqliteConsoleLinkStore links, IAuditTrail audit, TimeProvider time)
{
    /// <summary>Issues a link.</summary>
    /// <param name="issuer">Who asks (as the policy resolved them).</param>
    /// <param name="user">The user it signs in (as the policy resolved them).</param>
    /// <param name="lifetime">How long it works.</param>
    /// <param name="onBehalfOf">The OS user who ran the command (<c>os:NAME</c>).</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The token and its expiry.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lifetime"/> is not positive or exceeds <see cref="ConsoleLinkTokens.MaxLifetime"/>.</exception>
    public async Task<(string Token, DateTimeOffset ExpiresAt)> IssueAsync(
        CallerIdentity issuer, CallerIdentity user, TimeSpan lifetime, string? onBehalfOf, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(user);
        if (lifetime <= TimeSpan.Zero || lifetime > ConsoleLinkTokens.MaxLifetime)
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), lifetime, $"A link works for more than 0 and at most {ConsoleLinkTokens.MaxLifetime.TotalMinutes:0} minutes.");
        }

        var now = time.GetUtcNow();
        var expiresAt = now + lifetime;
        var token = ConsoleLinkTokens.New();
        await audit.AppendAsync(ConsoleAuditRecords.LinkIssued(issuer, user, expiresAt, onBehalfOf), cancellationToken).ConfigureAwait(false);
        await links.CreateAsync(ConsoleLinkTokens.Hash(token), user.UserId, now, expiresAt, cancellationToken).ConfigureAwait(false);
        return (token, expiresAt);
    }
}
