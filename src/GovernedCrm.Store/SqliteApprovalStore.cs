using Dapper;
using GovernedCrm.Governance.Approvals;
using Microsoft.Data.Sqlite;

namespace GovernedCrm.Store;

/// <summary>
/// The approval queue in the governance database's <c>approvals</c> table. Transitions are
/// <c>UPDATE … WHERE id = @id AND status = @from</c> inside <c>BEGIN IMMEDIATE</c>, so of several deciders (threads or
/// processes sharing the file) exactly one wins. A transition changes only the decision and execution columns
/// (status, decider, time, note, approved arguments, bulk id, result, completion, the decision entry's position): what was proposed never changes.
/// </summary>
/// <param name="database">The governance database, initialized (<see cref="GovernanceDatabase.InitializeAsync"/>).</param>
public sealed class SqliteApprovalStore(GovernanceDatabase database) : IApprovalStore
{
    private const int SqliteConstraint = 19;

    private const string Insert = """
        INSERT INTO approvals (id, tenant, requester, requester_roles, requester_source, tool, object_type, record_id, arguments_json, arguments_digest, before_json,
            record_version, reason, confidence, rule, route, approver_role, approval_reason, policy_version, execution_id,
            created_at, expires_at, status, decided_by, decided_at, decision_note, approved_arguments_json, bulk_id, result_json, completed_at, decision_seq)
        VALUES (@Id, @Tenant, @Requester, @RequesterRoles, @RequesterSource, @Tool, @ObjectType, @RecordId, @ArgumentsJson, @ArgumentsDigest, @BeforeJson,
            @RecordVersion, @Reason, @Confidence, @Rule, @Route, @ApproverRole, @ApprovalReason, @PolicyVersion, @ExecutionId,
            @CreatedAt, @ExpiresAt, @Status, @DecidedBy, @DecidedAt, @DecisionNote, @ApprovedArgumentsJson, @BulkId, @ResultJson, @CompletedAt, @DecisionSequence)
        """;

    private const string Transition = """
        UPDATE approvals SET status = @Status, decided_by = @DecidedBy, decided_at = @DecidedAt, decision_note = @DecisionNote,
            approved_arguments_json = @ApprovedArgumentsJson, bulk_id = @BulkId, result_json = @ResultJson, completed_at = @CompletedAt,
            decision_seq = @DecisionSequence
        WHERE id = @Id AND status = @From
        """;

    /// <summary>Opens (creating or migrating) the governance database of a data folder and returns its approval store.</summary>
    /// <param name="dataFolder">The data folder.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The store.</returns>
    /// <exception cref="InvalidDataException">The governance database is unusable.</exception>
    public static async Task<SqliteApprovalStore> OpenAsync(string dataFolder, CancellationToken cancellationToken)
    {
        var database = GovernanceDatabase.InDataFolder(dataFolder);
        await database.InitializeAsync(cancellationToken).ConfigureAwait(false);
        return new SqliteApprovalStore(database);
    }

    /// <summary>
    /// Opens the governance database of a data folder for reading only (nothing is created, migrated or written; see
    /// <see cref="GovernanceDatabase.ForReading"/>); the store's writes then fail.
    /// </summary>
    /// <param name="dataFolder">The data folder.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The store, or null when the folder has no governance database (nothing was ever queued).</returns>
    /// <exception cref="InvalidDataException">The governance database is unusable or at another schema version.</exception>
    public static async Task<SqliteApprovalStore?> OpenForReadingAsync(string dataFolder, CancellationToken cancellationToken)
    {
        var path = Path.Combine(dataFolder, GovernanceDatabase.FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        var database = GovernanceDatabase.ForReading(path);
        await database.CheckReadableAsync(cancellationToken).ConfigureAwait(false);
        return new SqliteApprovalStore(database);
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">An approval with the same id exists.</exception>
    public async Task CreateAsync(ApprovalRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(Insert, ApprovalRow.From(request), cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == SqliteConstraint)
        {
            throw new InvalidOperationException($"An approval with the id {request.Id} already exists.", ex);
        }
    }

    /// <inheritdoc />
    public async Task<ApprovalRequest?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<ApprovalRow>(
            new CommandDefinition($"SELECT {ApprovalRow.Columns} FROM approvals WHERE id = @id", new { id }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToRequest();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ApprovalRequest>> ListAsync(string? tenant, ApprovalStatus? status, int limit, CancellationToken cancellationToken)
    {
        if (limit <= 0)
        {
            return [];
        }

        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<ApprovalRow>(new CommandDefinition(
            $"""
            SELECT {ApprovalRow.Columns} FROM approvals
            WHERE (@tenant IS NULL OR tenant = @tenant) AND (@status IS NULL OR status = @status)
            ORDER BY created_at DESC, id DESC
            LIMIT @limit
            """,
            new { tenant, status = status?.ToName(), limit = (long)limit },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => r.ToRequest())];
    }

    /// <summary>The proposals waiting for a decision (pending, not yet expired at <paramref name="now"/>), counted per tenant.</summary>
    /// <param name="now">The time a proposal must expire after to count.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>Tenant → count, for the tenants with at least one.</returns>
    public async Task<IReadOnlyDictionary<string, long>> CountPendingAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(string Tenant, long Count)>(new CommandDefinition(
            "SELECT tenant, COUNT(*) FROM approvals WHERE status = 'pending' AND expires_at > @now GROUP BY tenant",
            new { now = now.ToUnixTimeMilliseconds() },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.ToDictionary(r => r.Tenant, r => r.Count, StringComparer.Ordinal);
    }

    /// <inheritdoc />
    public async Task<bool> TryTransitionAsync(ApprovalStatus from, ApprovalRequest updated, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updated);
        var row = ApprovalRow.From(updated);
        var parameters = new DynamicParameters(row);
        parameters.Add("From", from.ToName());
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);

        // BEGIN IMMEDIATE takes the write lock before the status is compared, so two deciders cannot both see the old status.
        using var transaction = connection.BeginTransaction(deferred: false);
        var changed = await connection.ExecuteAsync(new CommandDefinition(Transition, parameters, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return changed == 1;
    }
}
