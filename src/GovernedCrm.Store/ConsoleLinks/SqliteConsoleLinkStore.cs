using Dapper;

namespace GovernedCrm.Store.ConsoleLinks;

/// <summary>
/// The admin console's one-time sign-in links in the governance database's <c>console_links</c> table, shared by the
/// process that issues a link (<c>governed-crm console-link</c>) and the server that accepts it. Only the SHA-256 of a
/// link's token is stored. Using a link deletes its row in the same statement that reads it
/// (<c>DELETE … RETURNING</c>), so of two uses (threads or processes) exactly one gets the row.
/// </summary>
/// <param name="database">The governance database, initialized (<see cref="GovernanceDatabase.InitializeAsync"/>).</param>
public sealed class SqliteConsoleLinkStore(GovernanceDatabase database)
{
    /// <summary>Opens (creating or migrating) the governance database of a data folder and returns its link store.</summary>
    /// <param name="dataFolder">The data folder.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The store.</returns>
    /// <exception cref="InvalidDataException">The governance database is unusable.</exception>
    public static async Task<SqliteConsoleLinkStore> OpenAsync(string dataFolder, CancellationToken cancellationToken)
    {
        var database = GovernanceDatabase.InDataFolder(dataFolder);
        await database.InitializeAsync(cancellationToken).ConfigureAwait(false);
        return new SqliteConsoleLinkStore(database);
    }

    /// <summary>Stores a new link, and deletes the links that expired before <paramref name="createdAt"/>.</summary>
    /// <param name="tokenHash">The SHA-256 of the link's token, 64 lowercase hex digits.</param>
    /// <param name="user">The policy user the link signs in.</param>
    /// <param name="createdAt">When it was issued.</param>
    /// <param name="expiresAt">When it stops working.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task.</returns>
    public async Task CreateAsync(string tokenHash, string user, DateTimeOffset createdAt, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tokenHash);
        ArgumentException.ThrowIfNullOrWhiteSpace(user);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = connection.BeginTransaction(deferred: false);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM console_links WHERE expires_at <= @now", new { now = createdAt.ToUnixTimeMilliseconds() }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO console_links (token_hash, user, created_at, expires_at) VALUES (@tokenHash, @user, @created, @expires)",
            new { tokenHash, user, created = createdAt.ToUnixTimeMilliseconds(), expires = expiresAt.ToUnixTimeMilliseconds() },
            transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Uses a link: deletes its row and returns what it said. A link is returned once at most, expired or not; the
    /// caller compares <see cref="ConsoleLink.ExpiresAt"/> with its clock.
    /// </summary>
    /// <param name="tokenHash">The SHA-256 of the presented token.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The link, or null when there is none with that hash (never issued, or used already).</returns>
    public async Task<ConsoleLink?> TryConsumeAsync(string tokenHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tokenHash);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<LinkRow>(new CommandDefinition(
            "DELETE FROM console_links WHERE token_hash = @tokenHash RETURNING user AS User, created_at AS CreatedAt, expires_at AS ExpiresAt",
            new { tokenHash }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row is null
            ? null
            : new ConsoleLink(row.User, DateTimeOffset.FromUnixTimeMilliseconds(row.CreatedAt), DateTimeOffset.FromUnixTimeMilliseconds(row.ExpiresAt));
    }

    private sealed class LinkRow
    {
        public string User { get; set; } = "";

        public long CreatedAt { get; set; }

        public long ExpiresAt { get; set; }
    }
}

/// <summary>A one-time console sign-in link as stored (without its token).</summary>
/// <param name="User">The policy user it signs in.</param>
/// <param name="CreatedAt">When it was issued.</param>
/// <param name="ExpiresAt">When it stops working.</param>
public sealed record ConsoleLink(string User, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);
