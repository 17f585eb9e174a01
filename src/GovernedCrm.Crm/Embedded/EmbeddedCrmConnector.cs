using System.Data;
using System.Text;
using Dapper;
using Microsoft.Data.Sqlite;

namespace GovernedCrm.Crm.Embedded;

/// <summary>
/// The embedded CRM: a SQLite file in the data folder. Every query is scoped to the actor's tenant, values
/// always travel as parameters, and writes check the record version inside an immediate transaction.
/// </summary>
/// <param name="database">The CRM database.</param>
/// <param name="timeProvider">Stamps updatedAt and createdAt.</param>
public sealed class EmbeddedCrmConnector(EmbeddedCrmDatabase database, TimeProvider timeProvider) : ICrmConnector
{
    /// <inheritdoc />
    public Task<CrmSearchResult> SearchAsync(CrmActor actor, CrmObjectType objectType, string? query, int limit, CancellationToken cancellationToken) =>
        SearchAsync(actor, objectType, query, limit, new HashSet<string>(StringComparer.Ordinal), cancellationToken);

    /// <inheritdoc />
    /// <remarks>The LIKE runs over the searchable columns not excluded; with none left, a query matches nothing.</remarks>
    public Task<CrmSearchResult> SearchAsync(
        CrmActor actor, CrmObjectType objectType, string? query, int limit, IReadOnlySet<string> excludedProperties, CancellationToken cancellationToken) =>
        Guard(async () =>
        {
            ArgumentNullException.ThrowIfNull(excludedProperties);
            ArgumentNullException.ThrowIfNull(actor);
            if (limit is < 1 or > 100)
            {
                throw new CrmException(CrmErrorCodes.InvalidValue, $"limit must be between 1 and 100, not {limit}.");
            }

            var schema = CrmSchema.For(objectType);
            var sql = new StringBuilder($"SELECT {EmbeddedCrmTables.SelectList(objectType)} FROM {EmbeddedCrmTables.Table(objectType)} WHERE tenant = @tenant");
            var parameters = new DynamicParameters(new { tenant = actor.Tenant, take = limit + 1 });
            if (!string.IsNullOrWhiteSpace(query))
            {
                var searchable = schema.Properties
                    .Where(p => p.Kind is CrmPropertyKind.Text or CrmPropertyKind.Email or CrmPropertyKind.Enumeration or CrmPropertyKind.Phone)
                    .Where(p => !excludedProperties.Contains(p.Name))
                    .ToList();
                if (searchable.Count == 0)
                {
                    return new CrmSearchResult([], false);
                }

                sql.Append(" AND (")
                    .AppendJoin(" OR ", searchable.Select(p => $"{EmbeddedCrmTables.Column(p)} LIKE @pattern ESCAPE '\\'"))
                    .Append(')');
                parameters.Add("pattern", "%" + EscapeLike(query.Trim()) + "%");
            }

            sql.Append(" ORDER BY id LIMIT @take");
            await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
            var rows = (await connection.QueryAsync(new CommandDefinition(sql.ToString(), parameters, cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
            var records = rows.Take(limit).Select(r => ToRecord(objectType, (IDictionary<string, object?>)r)).ToList();
            return new CrmSearchResult(records, rows.Count > limit);
        });

    /// <inheritdoc />
    public Task<CrmRecord> GetAsync(CrmActor actor, CrmObjectType objectType, string recordId, CancellationToken cancellationToken) =>
        Guard(async () =>
        {
            ArgumentNullException.ThrowIfNull(actor);
            var id = RecordIds.Parse(recordId);
            await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
            return await ReadAsync(connection, null, actor, objectType, id, cancellationToken).ConfigureAwait(false)
                ?? throw NotFound(objectType, recordId);
        });

    /// <inheritdoc />
    public Task<string?> FindTenantAsync(CrmActor actor, CrmObjectType objectType, string recordId, CancellationToken cancellationToken) =>
        Guard(async () =>
        {
            if (!RecordIds.IsWellFormed(recordId))
            {
                return null;
            }

            var id = RecordIds.Parse(recordId);
            await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
            return await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
                $"SELECT tenant FROM {EmbeddedCrmTables.Table(objectType)} WHERE id = @id", new { id }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        });

    /// <inheritdoc />
    public Task<CrmWriteResult> UpdateAsync(
        CrmActor actor, CrmObjectType objectType, string recordId, IReadOnlyDictionary<string, object?> changes,
        long? expectedVersion, CancellationToken cancellationToken) =>
        Guard(async () =>
        {
            ArgumentNullException.ThrowIfNull(actor);
            ArgumentNullException.ThrowIfNull(changes);
            var id = RecordIds.Parse(recordId);
            var schema = CrmSchema.For(objectType);
            var definitions = changes.Keys.Select(schema.Get).ToList();
            if (definitions.Count == 0)
            {
                throw new CrmException(CrmErrorCodes.MissingProperty, $"No properties to write. Valid properties for {objectType.ToName()}: {schema.PropertyList}.");
            }

            foreach (var required in schema.RequiredOnCreate.Where(r => changes.TryGetValue(r, out var v) && v is null))
            {
                throw new CrmException(CrmErrorCodes.MissingProperty, $"Property '{required}' cannot be cleared: every {objectType.ToName()} needs one.");
            }

            await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var before = await ReadAsync(connection, transaction, actor, objectType, id, cancellationToken).ConfigureAwait(false)
                ?? throw NotFound(objectType, recordId);
            if (expectedVersion is { } expected && expected != before.Version)
            {
                throw new CrmException(CrmErrorCodes.Conflict,
                    $"The {objectType.ToName()} {recordId} changed since it was read (version {before.Version.ToString(CultureInfo.InvariantCulture)}, expected {expected.ToString(CultureInfo.InvariantCulture)}). Read it again and propose the change anew.");
            }

            var changed = definitions
                .Where(d => !Equals(before.Properties.GetValueOrDefault(d.Name), changes[d.Name]))
                .ToList();
            if (changed.Count == 0)
            {
                return new CrmWriteResult(before, [], Created: false);
            }

            await CheckReferencesAsync(connection, transaction, actor, changes, cancellationToken).ConfigureAwait(false);
            await CheckUniqueEmailAsync(connection, transaction, actor, objectType, id, changes, cancellationToken).ConfigureAwait(false);

            var parameters = new DynamicParameters(new { id, tenant = actor.Tenant, version = before.Version, now = EmbeddedCrmValues.Timestamp(timeProvider.GetUtcNow()) });
            for (var i = 0; i < changed.Count; i++)
            {
                parameters.Add($"p{i.ToString(CultureInfo.InvariantCulture)}", EmbeddedCrmValues.ToStorage(changed[i], changes[changed[i].Name]));
            }

            var assignments = string.Join(", ", changed.Select((d, i) => $"{EmbeddedCrmTables.Column(d)} = @p{i.ToString(CultureInfo.InvariantCulture)}"));
            var updated = await connection.ExecuteAsync(new CommandDefinition(
                $"UPDATE {EmbeddedCrmTables.Table(objectType)} SET {assignments}, version = version + 1, updated_at = @now " +
                "WHERE id = @id AND tenant = @tenant AND version = @version",
                parameters, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            if (updated != 1)
            {
                throw new CrmException(CrmErrorCodes.Conflict, $"The {objectType.ToName()} {recordId} changed during the write. Read it again and retry.");
            }

            var after = await ReadAsync(connection, transaction, actor, objectType, id, cancellationToken).ConfigureAwait(false)
                ?? throw NotFound(objectType, recordId);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new CrmWriteResult(
                after,
                changed.Select(d => new CrmPropertyChange(d.Name, before.Properties.GetValueOrDefault(d.Name), after.Properties.GetValueOrDefault(d.Name))).ToList(),
                Created: false);
        });

    /// <inheritdoc />
    public Task<CrmWriteResult> CreateContactAsync(CrmActor actor, IReadOnlyDictionary<string, object?> properties, CancellationToken cancellationToken) =>
        Guard(async () =>
        {
            ArgumentNullException.ThrowIfNull(actor);
            ArgumentNullException.ThrowIfNull(properties);
            var schema = CrmSchema.Contact;
            var definitions = properties.Keys.Select(schema.Get).ToList();
            foreach (var required in schema.RequiredOnCreate.Where(r => properties.GetValueOrDefault(r) is null))
            {
                throw new CrmException(CrmErrorCodes.MissingProperty, $"Property '{required}' is required to create a contact.");
            }

            await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await CheckUniqueEmailAsync(connection, transaction, actor, CrmObjectType.Contact, null, properties, cancellationToken).ConfigureAwait(false);

            var parameters = new DynamicParameters(new { tenant = actor.Tenant, now = EmbeddedCrmValues.Timestamp(timeProvider.GetUtcNow()), first = DemoDataSeed.FirstContactId });
            for (var i = 0; i < definitions.Count; i++)
            {
                parameters.Add($"p{i.ToString(CultureInfo.InvariantCulture)}", EmbeddedCrmValues.ToStorage(definitions[i], properties[definitions[i].Name]));
            }

            var columns = string.Concat(definitions.Select(d => ", " + EmbeddedCrmTables.Column(d)));
            var values = string.Concat(definitions.Select((_, i) => ", @p" + i.ToString(CultureInfo.InvariantCulture)));
            var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                $"INSERT INTO contacts (id, tenant, created_at, updated_at{columns}) " +
                $"VALUES ((SELECT MAX(COALESCE(MAX(id) + 1, @first), @first) FROM contacts), @tenant, @now, @now{values}) RETURNING id",
                parameters, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            var after = await ReadAsync(connection, transaction, actor, CrmObjectType.Contact, id, cancellationToken).ConfigureAwait(false)
                ?? throw new CrmException(CrmErrorCodes.Unavailable, "The new contact could not be read back.");
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new CrmWriteResult(
                after,
                definitions.Select(d => new CrmPropertyChange(d.Name, null, after.Properties.GetValueOrDefault(d.Name))).ToList(),
                Created: true);
        });

    private static async Task<CrmRecord?> ReadAsync(
        SqliteConnection connection, IDbTransaction? transaction, CrmActor actor, CrmObjectType objectType, long id, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync(new CommandDefinition(
            $"SELECT {EmbeddedCrmTables.SelectList(objectType)} FROM {EmbeddedCrmTables.Table(objectType)} WHERE id = @id AND tenant = @tenant",
            new { id, tenant = actor.Tenant }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row is null ? null : ToRecord(objectType, (IDictionary<string, object?>)row);
    }

    private static CrmRecord ToRecord(CrmObjectType objectType, IDictionary<string, object?> row)
    {
        var properties = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in CrmSchema.For(objectType).Properties)
        {
            properties[property.Name] = EmbeddedCrmValues.FromStorage(property, row[EmbeddedCrmTables.Column(property)]);
        }

        return new CrmRecord(
            objectType,
            Convert.ToInt64(row["id"], CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
            Convert.ToInt64(row["version"], CultureInfo.InvariantCulture),
            EmbeddedCrmValues.ParseTimestamp(row["created_at"]!),
            EmbeddedCrmValues.ParseTimestamp(row["updated_at"]!),
            properties);
    }

    private static async Task CheckReferencesAsync(
        SqliteConnection connection, IDbTransaction transaction, CrmActor actor, IReadOnlyDictionary<string, object?> changes, CancellationToken cancellationToken)
    {
        if (changes.TryGetValue("companyId", out var value) && value is string companyId)
        {
            var exists = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT COUNT(*) FROM companies WHERE id = @id AND tenant = @tenant",
                new { id = RecordIds.Parse(companyId), tenant = actor.Tenant }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            if (exists == 0)
            {
                throw new CrmException(CrmErrorCodes.InvalidValue, $"Property 'companyId' is {companyId}, which is not a company in this CRM.");
            }
        }
    }

    private static async Task CheckUniqueEmailAsync(
        SqliteConnection connection, IDbTransaction transaction, CrmActor actor, CrmObjectType objectType, long? id,
        IReadOnlyDictionary<string, object?> changes, CancellationToken cancellationToken)
    {
        if (objectType == CrmObjectType.Contact && changes.TryGetValue("email", out var value) && value is string email)
        {
            var other = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                "SELECT id FROM contacts WHERE tenant = @tenant AND email = @email AND id <> COALESCE(@id, -1)",
                new { tenant = actor.Tenant, email, id }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            if (other is not null)
            {
                throw new CrmException(CrmErrorCodes.Duplicate, $"Another contact already has the email '{CrmText.Shorten(email)}'.");
            }
        }
    }

    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    private static CrmException NotFound(CrmObjectType objectType, string recordId) =>
        new(CrmErrorCodes.NotFound, $"No {objectType.ToName()} with id {CrmText.Shorten(recordId)}.");

    // Storage failures (locked past the timeout, disk full, corrupt file) become one clear error and never leak SQL.
    private static async Task<T> Guard<T>(Func<Task<T>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is 5 or 6)
        {
            throw new CrmException(CrmErrorCodes.Unavailable, "The CRM database is busy; nothing was changed. Try again shortly.");
        }
        catch (SqliteException)
        {
            throw new CrmException(CrmErrorCodes.Unavailable, "The CRM database failed; nothing was changed.");
        }
    }
}
