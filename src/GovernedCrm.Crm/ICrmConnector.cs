namespace GovernedCrm.Crm;

/// <summary>
/// A CRM the governed tools can reach: the embedded SQLite CRM by default, HubSpot or Salesforce later.
/// Every call is scoped to the actor's tenant. Property values passed in are already typed and validated
/// by <see cref="Schema.CrmSchema"/>; connectors still refuse anything outside it.
/// </summary>
public interface ICrmConnector
{
    /// <summary>
    /// The form of this CRM's record ids (also of <c>companyId</c> values): digits for the embedded CRM and HubSpot,
    /// 15 or 18 letters and digits for Salesforce. Callers parse write values with it
    /// (<see cref="Schema.CrmValueParser.ParseAll(CrmObjectType, IReadOnlyDictionary{string, System.Text.Json.JsonElement}, Schema.CrmRecordIdFormat)"/>).
    /// </summary>
    Schema.CrmRecordIdFormat RecordIdFormat => Schema.CrmRecordIdFormat.Numeric;

    /// <summary>
    /// The form of record ids in the CRM that serves <paramref name="actor"/>: the same as <see cref="RecordIdFormat"/>
    /// for a connector of one CRM; a router answers with the actor's tenant's CRM.
    /// </summary>
    /// <param name="actor">Who the call runs for.</param>
    /// <returns>The id format.</returns>
    Schema.CrmRecordIdFormat RecordIdFormatFor(CrmActor actor) => RecordIdFormat;

    /// <summary>Searches records of one type whose text properties contain <paramref name="query"/>.</summary>
    /// <param name="actor">Who the search runs for.</param>
    /// <param name="objectType">The type to search.</param>
    /// <param name="query">Text to look for; null or empty lists records.</param>
    /// <param name="limit">How many records at most (1-100).</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    /// <returns>The matching records, in id order, and whether more matched.</returns>
    Task<CrmSearchResult> SearchAsync(CrmActor actor, CrmObjectType objectType, string? query, int limit, CancellationToken cancellationToken) =>
        SearchAsync(actor, objectType, query, limit, new HashSet<string>(StringComparer.Ordinal), cancellationToken);

    /// <summary>
    /// Searches records of one type whose text properties, other than <paramref name="excludedProperties"/>, contain
    /// <paramref name="query"/>: whether a record matches, and which records are returned, never depends on the value
    /// of an excluded property (the governed search passes the properties the caller may not read). With every
    /// searchable property excluded, a query matches nothing.
    /// </summary>
    /// <param name="actor">Who the search runs for.</param>
    /// <param name="objectType">The type to search.</param>
    /// <param name="query">Text to look for; null or empty lists records.</param>
    /// <param name="limit">How many records at most (1-100).</param>
    /// <param name="excludedProperties">Properties the query must not be matched against.</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    /// <returns>The matching records, in id order, and whether more matched.</returns>
    Task<CrmSearchResult> SearchAsync(
        CrmActor actor, CrmObjectType objectType, string? query, int limit, IReadOnlySet<string> excludedProperties, CancellationToken cancellationToken);

    /// <summary>Reads one record.</summary>
    /// <param name="actor">Who the read runs for.</param>
    /// <param name="objectType">The record's type.</param>
    /// <param name="recordId">The record's id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The record.</returns>
    /// <exception cref="CrmException">Invalid id (<c>crm.invalid_record_id</c>) or no such record (<c>crm.not_found</c>).</exception>
    Task<CrmRecord> GetAsync(CrmActor actor, CrmObjectType objectType, string recordId, CancellationToken cancellationToken);

    /// <summary>
    /// Which tenant owns a record, for the policy's tenant-isolation check (so an attempt on another tenant's record
    /// is denied and audited as such). Returns only the tenant, never the record; null when no record has that id.
    /// A connector that serves one tenant's own CRM (HubSpot, Salesforce) answers the actor's tenant: every record it
    /// can reach belongs to that tenant, and existence is settled by the read that follows.
    /// </summary>
    /// <param name="actor">Who is asking (a remote connector answers with this actor's tenant).</param>
    /// <param name="objectType">The record's type.</param>
    /// <param name="recordId">The record's id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The owning tenant, or null.</returns>
    Task<string?> FindTenantAsync(CrmActor actor, CrmObjectType objectType, string recordId, CancellationToken cancellationToken);

    /// <summary>Changes properties of one record.</summary>
    /// <param name="actor">Who the write runs for.</param>
    /// <param name="objectType">The record's type.</param>
    /// <param name="recordId">The record's id.</param>
    /// <param name="changes">Validated, typed values by property name.</param>
    /// <param name="expectedVersion">When set, the write fails with <c>crm.conflict</c> unless the record is at this version.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The record after the write and the before/after values of what changed.</returns>
    Task<CrmWriteResult> UpdateAsync(
        CrmActor actor, CrmObjectType objectType, string recordId, IReadOnlyDictionary<string, object?> changes,
        long? expectedVersion, CancellationToken cancellationToken);

    /// <summary>Creates a contact.</summary>
    /// <param name="actor">Who the write runs for.</param>
    /// <param name="properties">Validated, typed values by property name; <c>email</c> is required.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The new record.</returns>
    Task<CrmWriteResult> CreateContactAsync(CrmActor actor, IReadOnlyDictionary<string, object?> properties, CancellationToken cancellationToken);
}
