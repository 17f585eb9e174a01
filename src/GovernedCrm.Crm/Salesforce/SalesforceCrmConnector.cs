using GovernedCrm.Crm.Remote;

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
public sealed class SalesforceCrmConnector(HttpClient http, SalesforceCrmOptions options)
    : RemoteCrmConnector(
        http, options, SalesforceFields.Provider, CrmRecordIdFormat.Salesforce, SalesforceFields.Maps)
{
    private static readonly string[] SystemFields = ["Id", "CreatedDate", "LastModifiedDate", "SystemModstamp"];

    private readonly Uri _instance = BaseAddressOf(options.InstanceUrl ?? SalesforceCrmOptions.UnconfiguredInstance);
    private readonly string _api = $"services/data/{options.ApiVersion}/";

    /// <summary>Searches with one SOQL query over the fields not excluded.</summary>
    /// <remarks>
    /// Matches text, email, phone and picklist fields (not owner or account ids), case-insensitively, in Id order. The
    /// SOQL WHERE names only the fields not excluded, so Salesforce itself never matches on an excluded one; with none
    /// left, a query matches nothing (and nothing is sent).
    /// </remarks>
    private protected override async Task<CrmSearchResult> SearchRecordsAsync(
        CrmActor actor, CrmObjectType objectType, string? query, int limit, IReadOnlySet<string> excludedProperties, CancellationToken cancellationToken)
    {
        if (query?.Trim().Length > SalesforceSoql.MaxSearchLength)
        {
            throw new CrmException(CrmErrorCodes.InvalidValue, $"The search text is too long: at most {SalesforceSoql.MaxSearchLength} characters.");
        }

        var map = MapOf(objectType);
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
    /// <remarks>Patches the changed fields, then reads the record again.</remarks>
    private protected override async Task<CrmWriteResult> WriteChangesAsync(
        CrmActor actor, RemotePropertyMap map, string id, CrmRecord before, IReadOnlyList<CrmPropertyDefinition> changed,
        IReadOnlyDictionary<string, object?> changes, CancellationToken cancellationToken)
    {
        await SendAsync(actor, HttpMethod.Patch, ObjectPath(map.Type, id), Fields(map, changed, changes), $"{map.Type.ToName()} {id}", cancellationToken).ConfigureAwait(false);
        var after = await ReadRecordAsync(actor, map, id, cancellationToken).ConfigureAwait(false);
        return new CrmWriteResult(after, RemoteWritePlan.Changes(changed, before, after), Created: false);
    }

    /// <inheritdoc />
    /// <remarks>Salesforce requires a contact's <c>lastname</c>; without it the CRM's 400 becomes <c>crm.invalid_value</c>.</remarks>
    private protected override async Task<CrmWriteResult> CreateContactRecordAsync(
        CrmActor actor, RemotePropertyMap map, IReadOnlyList<CrmPropertyDefinition> definitions,
        IReadOnlyDictionary<string, object?> properties, CancellationToken cancellationToken)
    {
        var response = await SendAsync(actor, HttpMethod.Post, "sobjects/Contact/", Fields(map, definitions, properties), "a new contact", cancellationToken).ConfigureAwait(false);
        if (response.Body?["id"] is not JsonValue idValue || !idValue.TryGetValue<string>(out var id) || !RecordIdFormat.IsWellFormed(id))
        {
            throw new CrmException(CrmErrorCodes.Unavailable, "Salesforce created the contact but answered without a readable id.");
        }

        var after = await ReadRecordAsync(actor, map, id, cancellationToken).ConfigureAwait(false);
        return new CrmWriteResult(after, RemoteWritePlan.Changes(definitions, null, after), Created: true);
    }

    /// <inheritdoc />
    private protected override async Task<CrmRecord> ReadRecordAsync(CrmActor actor, RemotePropertyMap map, string id, CancellationToken cancellationToken)
    {
        var path = $"{ObjectPath(map.Type, id)}?fields={Uri.EscapeDataString(string.Join(',', Fields(map)))}";
        var response = await SendAsync(actor, HttpMethod.Get, path, null, $"{map.Type.ToName()} {id}", cancellationToken).ConfigureAwait(false);
        return ToRecord(map, response.Body);
    }

    private async Task<RemoteCrmResponse> SendAsync(
        CrmActor actor, HttpMethod method, string path, JsonNode? body, string what, CancellationToken cancellationToken)
    {
        var relative = _api + path;
        var response = await Http.SendAsync(actor, method, new Uri(_instance, relative), relative, body, what, cancellationToken).ConfigureAwait(false);
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
            _ => Failed(response, message, what),
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
