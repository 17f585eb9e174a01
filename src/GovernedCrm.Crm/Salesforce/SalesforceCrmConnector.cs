using System.Net;
using System.Text.Json.Nodes;
using GovernedCrm.Crm.Remote;
using GovernedCrm.Crm.Schema;

namespace GovernedCrm.Crm.Salesforce;

/// <summary>
/// Salesforce over its REST API, as the actor: every call carries the actor's user so that
/// <see cref="CrmAccessTokenHandler"/> (which must be in <paramref name="http"/>'s pipeline) sets that user's own token
/// and sends the call to the token's <c>instance_url</c> (else the configured <see cref="SalesforceCrmOptions.InstanceUrl"/>).
/// contact, company and deal are Contact, Account and Opportunity (<see cref="SalesforceFields"/>); record ids are
/// Salesforce's 15 or 18 letters and digits. A record's version is its <c>SystemModstamp</c> in Unix milliseconds.
/// <c>expectedVersion</c> is checked by reading first, then patching: best effort, as the REST API has no conditional
/// update. Searches run one SOQL query whose search text is always an escaped string literal (<see cref="SalesforceSoql"/>).
/// </summary>
/// <param name="http">An HttpClient whose pipeline contains <see cref="CrmAccessTokenHandler"/>.</param>
/// <param name="options">Instance URL fallback, API version and provider name.</param>
public sealed class SalesforceCrmConnector(HttpClient http, SalesforceCrmOptions options) : ICrmConnector
{
    private static readonly string[] SystemFields = ["Id", "CreatedDate", "LastModifiedDate", "SystemModstamp"];

    private readonly RemoteCrmHttp _http = new(http, (options ?? throw new ArgumentNullException(nameof(options))).ProviderName, SalesforceFields.Provider);
    private readonly Uri _instance = new((options.InstanceUrl ?? SalesforceCrmOptions.UnconfiguredInstance).AbsoluteUri.TrimEnd('/') + "/", UriKind.Absolute);
    private readonly string _api = $"services/data/{options.ApiVersion}/";

    /// <inheritdoc />
    public CrmRecordIdFormat RecordIdFormat => CrmRecordIdFormat.Salesforce;

    /// <inheritdoc />
    public Task<CrmSearchResult> SearchAsync(CrmActor actor, CrmObjectType objectType, string? query, int limit, CancellationToken cancellationToken) =>
        SearchAsync(actor, objectType, query, limit, new HashSet<string>(StringComparer.Ordinal), cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// Matches text, email, phone and picklist fields (not owner or account ids), case-insensitively, in Id order. The
    /// SOQL WHERE names only the fields not excluded, so Salesforce itself never matches on an excluded one; with none
    /// left, a query matches nothing (and nothing is sent).
    /// </remarks>
    public async Task<CrmSearchResult> SearchAsync(
        CrmActor actor, CrmObjectType objectType, string? query, int limit, IReadOnlySet<string> excludedProperties, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(excludedProperties);
        if (limit is < 1 or > 100)
        {
            throw new CrmException(CrmErrorCodes.InvalidValue, $"limit must be between 1 and 100, not {limit}.");
        }

        if (query?.Trim().Length > SalesforceSoql.MaxSearchLength)
        {
            throw new CrmException(CrmErrorCodes.InvalidValue, $"The search text is too long: at most {SalesforceSoql.MaxSearchLength} characters.");
        }

        var map = SalesforceFields.For(objectType);
        var searchable = map.Mapped
            .Where(p => p.Kind is CrmPropertyKind.Text or CrmPropertyKind.Email or CrmPropertyKind.Phone or CrmPropertyKind.Enumeration && p.Name != "owner")
            .Where(p => !excludedProperties.Contains(p.Name))
            .Select(map.WireName)
            .ToList();
        if (!string.IsNullOrWhiteSpace(query) && searchable.Count == 0)
        {
            return new CrmSearchResult([], false);
        }

        var soql = SalesforceSoql.Search(SalesforceFields.SObjectOf(objectType), Fields(map), searchable, query, limit + 1);
        var response = await SendAsync(actor, HttpMethod.Get, "query?q=" + Uri.EscapeDataString(soql), null, $"{objectType.ToName()} search", cancellationToken).ConfigureAwait(false);
        var rows = (response.Body?["records"] as JsonArray ?? []).ToList();
        var records = rows.Take(limit).Select(r => ToRecord(map, r)).ToList();
        return new CrmSearchResult(records, rows.Count > limit || response.Body?["nextRecordsUrl"] is not null);
    }

    /// <inheritdoc />
    public async Task<CrmRecord> GetAsync(CrmActor actor, CrmObjectType objectType, string recordId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var id = RecordIdFormat.Validate(recordId);
        return await ReadAsync(actor, SalesforceFields.For(objectType), id, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>The actor's tenant for a well-formed id (the org is the tenant's own); null for a malformed one.</remarks>
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
        var map = SalesforceFields.For(objectType);
        var definitions = RemoteWritePlan.CheckUpdate(map, RecordIdFormat, changes);
        var before = await ReadAsync(actor, map, id, cancellationToken).ConfigureAwait(false);
        RemoteWritePlan.CheckVersion(before, expectedVersion, SalesforceFields.Provider);
        var changed = RemoteWritePlan.Changed(before, definitions, changes);
        if (changed.Count == 0)
        {
            return new CrmWriteResult(before, [], Created: false);
        }

        await SendAsync(actor, HttpMethod.Patch, ObjectPath(objectType, id), Fields(map, changed, changes), $"{objectType.ToName()} {id}", cancellationToken).ConfigureAwait(false);
        var after = await ReadAsync(actor, map, id, cancellationToken).ConfigureAwait(false);
        return new CrmWriteResult(after, RemoteWritePlan.Changes(changed, before, after), Created: false);
    }

    /// <inheritdoc />
    /// <remarks>Salesforce requires a contact's <c>lastname</c>; without it the CRM's 400 becomes <c>crm.invalid_value</c>.</remarks>
    public async Task<CrmWriteResult> CreateContactAsync(CrmActor actor, IReadOnlyDictionary<string, object?> properties, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var map = SalesforceFields.Contact;
        var definitions = RemoteWritePlan.CheckCreate(map, RecordIdFormat, properties);
        var response = await SendAsync(actor, HttpMethod.Post, "sobjects/Contact/", Fields(map, definitions, properties), "a new contact", cancellationToken).ConfigureAwait(false);
        if (response.Body?["id"] is not JsonValue idValue || !idValue.TryGetValue<string>(out var id) || !RecordIdFormat.IsWellFormed(id))
        {
            throw new CrmException(CrmErrorCodes.Unavailable, "Salesforce created the contact but answered without a readable id.");
        }

        var after = await ReadAsync(actor, map, id, cancellationToken).ConfigureAwait(false);
        return new CrmWriteResult(after, RemoteWritePlan.Changes(definitions, null, after), Created: true);
    }

    private async Task<CrmRecord> ReadAsync(CrmActor actor, RemotePropertyMap map, string id, CancellationToken cancellationToken)
    {
        var path = $"{ObjectPath(map.Type, id)}?fields={Uri.EscapeDataString(string.Join(',', Fields(map)))}";
        var response = await SendAsync(actor, HttpMethod.Get, path, null, $"{map.Type.ToName()} {id}", cancellationToken).ConfigureAwait(false);
        return ToRecord(map, response.Body);
    }

    private async Task<RemoteCrmResponse> SendAsync(
        CrmActor actor, HttpMethod method, string path, JsonNode? body, string what, CancellationToken cancellationToken)
    {
        var relative = _api + path;
        var response = await _http.SendAsync(actor, method, new Uri(_instance, relative), relative, body, what, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccess)
        {
            return response;
        }

        var (errorCode, message) = FirstError(response.Body);
        throw errorCode switch
        {
            // Salesforce reports an exhausted API allowance as 403 REQUEST_LIMIT_EXCEEDED.
            "REQUEST_LIMIT_EXCEEDED" => new CrmException(CrmErrorCodes.RateLimited,
                $"Salesforce is limiting the rate of requests ({errorCode}); {RemoteCrmErrors.RetryText(response.RetryAfter)}."),
            "DUPLICATES_DETECTED" or "DUPLICATE_VALUE" => new CrmException(CrmErrorCodes.Duplicate, $"Salesforce refused {what} as a duplicate of an existing record."),
            _ => RemoteCrmErrors.FromStatus(SalesforceFields.Provider, response.Status, response.RetryAfter,
                response.Status == HttpStatusCode.BadRequest ? message : null, what),
        };
    }

    // Salesforce errors: [{"message": "...", "errorCode": "...", "fields": [...]}].
    private static (string? Code, string? Message) FirstError(JsonNode? body) =>
        body is JsonArray { Count: > 0 } errors && errors[0] is JsonObject first
            ? (Text(first["errorCode"]), Text(first["message"]))
            : (null, null);

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static string ObjectPath(CrmObjectType type, string id) => $"sobjects/{SalesforceFields.SObjectOf(type)}/{id}";

    private static List<string> Fields(RemotePropertyMap map) => [.. SystemFields, .. map.WireNames];

    private static JsonObject Fields(RemotePropertyMap map, IEnumerable<CrmPropertyDefinition> definitions, IReadOnlyDictionary<string, object?> values)
    {
        var fields = new JsonObject();
        foreach (var definition in definitions)
        {
            var value = values[definition.Name];
            fields[map.WireName(definition)] = definition.Name == "dealstage" && value is string stage
                ? SalesforceStages.ToStageName(stage)
                : CrmValueJson.ToNode(value);
        }

        return fields;
    }

    private static CrmRecord ToRecord(RemotePropertyMap map, JsonNode? body)
    {
        if (body is not JsonObject json || Text(json["Id"]) is not { } id)
        {
            throw new CrmException(CrmErrorCodes.Unavailable, "Salesforce answered with a record the connector cannot read.");
        }

        var properties = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in map.Mapped)
        {
            var value = RemoteCrmValues.FromJson(property, json[map.WireName(property)]);
            properties[property.Name] = property.Name == "dealstage" && value is string stageName ? SalesforceStages.FromStageName(stageName) : value;
        }

        var modstamp = RemoteCrmValues.ParseTimestamp(Text(json["SystemModstamp"]));
        return new CrmRecord(
            map.Type,
            id,
            modstamp.ToUnixTimeMilliseconds(),
            RemoteCrmValues.ParseTimestamp(Text(json["CreatedDate"])),
            Text(json["LastModifiedDate"]) is { } modified ? RemoteCrmValues.ParseTimestamp(modified) : modstamp,
            properties);
    }
}
