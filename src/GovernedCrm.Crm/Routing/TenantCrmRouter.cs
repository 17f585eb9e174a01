namespace GovernedCrm.Crm.Routing;

/// <summary>
/// Sends each call to its actor's tenant's CRM: a remote connector (HubSpot, Salesforce) for tenants configured so,
/// the embedded CRM for every other tenant. The actor's tenant comes from the resolved caller, never from arguments.
/// </summary>
/// <param name="embedded">The CRM of tenants without a remote one.</param>
/// <param name="remoteByTenant">The remote connector of each tenant that has one.</param>
public sealed class TenantCrmRouter(ICrmConnector embedded, IReadOnlyDictionary<string, ICrmConnector> remoteByTenant) : ICrmConnector
{
    /// <inheritdoc/>
    public Schema.CrmRecordIdFormat RecordIdFormat => embedded.RecordIdFormat;

    /// <inheritdoc/>
    public Schema.CrmRecordIdFormat RecordIdFormatFor(CrmActor actor) => For(actor).RecordIdFormatFor(actor);

    /// <inheritdoc/>
    public Task<CrmSearchResult> SearchAsync(CrmActor actor, CrmObjectType objectType, string? query, int limit, CancellationToken cancellationToken) =>
        For(actor).SearchAsync(actor, objectType, query, limit, cancellationToken);

    /// <inheritdoc />
    public Task<CrmSearchResult> SearchAsync(
        CrmActor actor, CrmObjectType objectType, string? query, int limit, IReadOnlySet<string> excludedProperties, CancellationToken cancellationToken) =>
        For(actor).SearchAsync(actor, objectType, query, limit, excludedProperties, cancellationToken);

    /// <inheritdoc/>
    public Task<CrmRecord> GetAsync(CrmActor actor, CrmObjectType objectType, string recordId, CancellationToken cancellationToken) =>
        For(actor).GetAsync(actor, objectType, recordId, cancellationToken);

    /// <inheritdoc/>
    public Task<string?> FindTenantAsync(CrmActor actor, CrmObjectType objectType, string recordId, CancellationToken cancellationToken) =>
        For(actor).FindTenantAsync(actor, objectType, recordId, cancellationToken);

    /// <inheritdoc/>
    public Task<CrmWriteResult> UpdateAsync(
        CrmActor actor, CrmObjectType objectType, string recordId, IReadOnlyDictionary<string, object?> changes, long? expectedVersion,
        CancellationToken cancellationToken) =>
        For(actor).UpdateAsync(actor, objectType, recordId, changes, expectedVersion, cancellationToken);

    /// <inheritdoc/>
    public Task<CrmWriteResult> CreateContactAsync(CrmActor actor, IReadOnlyDictionary<string, object?> properties, CancellationToken cancellationToken) =>
        For(actor).CreateContactAsync(actor, properties, cancellationToken);

    private ICrmConnector For(CrmActor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return remoteByTenant.TryGetValue(actor.Tenant, out var remote) ? remote : embedded;
    }
}
