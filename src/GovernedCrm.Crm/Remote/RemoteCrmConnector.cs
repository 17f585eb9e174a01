namespace GovernedCrm.Crm.Remote;

/// <summary>
/// What every remote CRM connector does the same way, so that a provider writes only what is its own: the argument
/// checks, the record id check in the provider's form, the tenant lookup (the remote CRM is the actor's tenant's own),
/// the write checks of <see cref="RemoteWritePlan"/> and the best-effort version check (read first, then write). A
/// provider supplies its property maps, its HTTP calls (through <see cref="Http"/>, so every call carries the
/// actor's own token) and its record reads, searches and writes.
/// </summary>
public abstract class RemoteCrmConnector : ICrmConnector
{
    private readonly PerObjectType<RemotePropertyMap> _maps;

    /// <summary>Creates the shared part of a remote connector.</summary>
    /// <param name="http">An HttpClient whose pipeline contains <see cref="CrmAccessTokenHandler"/>.</param>
    /// <param name="options">The connector's options: the provider name the token source knows (<c>hubspot</c>).</param>
    /// <param name="displayName">The provider's name for people (<c>HubSpot</c>), used in error messages.</param>
    /// <param name="recordIdFormat">The form of the provider's record ids.</param>
    /// <param name="maps">The provider's property map of each object type.</param>
    private protected RemoteCrmConnector(
        HttpClient http, RemoteCrmOptions options, string displayName, CrmRecordIdFormat recordIdFormat, PerObjectType<RemotePropertyMap> maps)
    {
        ArgumentNullException.ThrowIfNull(options);
        Http = new RemoteCrmHttp(http, options.ProviderName, displayName);
        RecordIdFormat = recordIdFormat;
        _maps = maps;
    }

    /// <inheritdoc />
    public CrmRecordIdFormat RecordIdFormat { get; }

    /// <summary>Sends the connector's requests as the actor.</summary>
    private protected RemoteCrmHttp Http { get; }

    /// <inheritdoc />
    public Task<CrmSearchResult> SearchAsync(CrmActor actor, CrmObjectType objectType, string? query, int limit, CancellationToken cancellationToken) =>
        SearchAsync(actor, objectType, query, limit, new HashSet<string>(StringComparer.Ordinal), cancellationToken);

    /// <inheritdoc />
    public async Task<CrmSearchResult> SearchAsync(
        CrmActor actor, CrmObjectType objectType, string? query, int limit, IReadOnlySet<string> excludedProperties, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(excludedProperties);
        if (limit is < 1 or > 100)
        {
            throw new CrmException(CrmErrorCodes.InvalidValue, $"limit must be between 1 and 100, not {limit}.");
        }

        return await SearchRecordsAsync(actor, objectType, query, limit, excludedProperties, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<CrmRecord> GetAsync(CrmActor actor, CrmObjectType objectType, string recordId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var id = RecordIdFormat.Validate(recordId);
        return await ReadRecordAsync(actor, MapOf(objectType), id, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>The actor's tenant for a well-formed id (the remote CRM is the tenant's own); null for a malformed one.</remarks>
    public Task<string?> FindTenantAsync(CrmActor actor, CrmObjectType objectType, string recordId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return Task.FromResult(RecordIdFormat.IsWellFormed(recordId) ? actor.Tenant : null);
    }

    /// <inheritdoc />
    public async Task<CrmWriteResult> UpdateAsync(
        CrmActor actor, CrmObjectType objectType, string recordId, IReadOnlyDictionary<string, object?> changes,
        long? expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var id = RecordIdFormat.Validate(recordId);
        var map = MapOf(objectType);
        var definitions = RemoteWritePlan.CheckUpdate(map, RecordIdFormat, changes);
        var before = await ReadRecordAsync(actor, map, id, cancellationToken).ConfigureAwait(false);
        RemoteWritePlan.CheckVersion(before, expectedVersion, Http.DisplayName);
        var changed = RemoteWritePlan.Changed(before, definitions, changes);
        if (changed.Count == 0)
        {
            return new CrmWriteResult(before, [], Created: false);
        }

        return await WriteChangesAsync(actor, map, id, before, changed, changes, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<CrmWriteResult> CreateContactAsync(CrmActor actor, IReadOnlyDictionary<string, object?> properties, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var map = MapOf(CrmObjectType.Contact);
        var definitions = RemoteWritePlan.CheckCreate(map, RecordIdFormat, properties);
        return await CreateContactRecordAsync(actor, map, definitions, properties, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The provider's property map of an object type (<c>crm.unknown_object_type</c> for another).</summary>
    private protected RemotePropertyMap MapOf(CrmObjectType objectType) => _maps[objectType];

    /// <summary>The error of a failed answer, by its status (<see cref="RemoteCrmErrors.FromStatus"/>).</summary>
    /// <param name="response">The answer.</param>
    /// <param name="crmMessage">The CRM's own message, if it gave one (shown for a 400 only).</param>
    /// <param name="what">What was asked for, e.g. <c>contact 1042</c>.</param>
    /// <returns>The exception to throw.</returns>
    private protected CrmException Failed(RemoteCrmResponse response, string? crmMessage, string what) =>
        RemoteCrmErrors.FromStatus(Http.DisplayName, response.Status, response.RetryAfter, crmMessage, what);

    /// <summary>An API base URL ending in one slash, so that relative paths resolve below it.</summary>
    private protected static Uri BaseAddressOf(Uri url) => new(url.AbsoluteUri.TrimEnd('/') + "/", UriKind.Absolute);

    /// <summary>Searches, the arguments checked.</summary>
    private protected abstract Task<CrmSearchResult> SearchRecordsAsync(
        CrmActor actor, CrmObjectType objectType, string? query, int limit, IReadOnlySet<string> excludedProperties, CancellationToken cancellationToken);

    /// <summary>Reads one record, its id well formed.</summary>
    private protected abstract Task<CrmRecord> ReadRecordAsync(CrmActor actor, RemotePropertyMap map, string id, CancellationToken cancellationToken);

    /// <summary>Writes the properties whose value changes (at least one) to record <c>id</c>, read just before as <c>before</c>.</summary>
    private protected abstract Task<CrmWriteResult> WriteChangesAsync(
        CrmActor actor, RemotePropertyMap map, string id, CrmRecord before, IReadOnlyList<CrmPropertyDefinition> changed,
        IReadOnlyDictionary<string, object?> changes, CancellationToken cancellationToken);

    /// <summary>Creates a contact, its properties checked.</summary>
    private protected abstract Task<CrmWriteResult> CreateContactRecordAsync(
        CrmActor actor, RemotePropertyMap map, IReadOnlyList<CrmPropertyDefinition> definitions,
        IReadOnlyDictionary<string, object?> properties, CancellationToken cancellationToken);
}
