using GovernedCrm.Crm.Remote;

namespace GovernedCrm.Crm.HubSpot;

/// <summary>
/// HubSpot over its CRM v3 REST API, as the actor: every call carries the actor's user so that
/// <see cref="CrmAccessTokenHandler"/> (which must be in <paramref name="http"/>'s pipeline) sets that user's own token.
/// The connector serves one tenant's portal: every record it reaches belongs to the actor's tenant.
/// Property names follow HubSpot (<see cref="HubSpotProperties"/>); HubSpot's string values become the schema's typed
/// values and back. A record's version is its <c>updatedAt</c> in Unix milliseconds: it grows with every change but
/// not by one. <c>expectedVersion</c> is checked by reading first, then patching: best effort, as HubSpot has no
/// conditional update, so a change landing between the read and the write is not detected.
/// A deal's <c>companyId</c> is its first associated company: a read asks for <c>associations=companies</c>; a write
/// patches the properties, then associates the new company (<c>PUT /crm/v4/objects/deals/{id}/associations/default/companies/{companyId}</c>),
/// then removes the old association (<c>DELETE .../associations/companies/{old}</c>), then reads the deal again. These are
/// separate calls, not one transaction: a failure part way leaves the earlier steps done (the new company is added
/// before the old one is removed, so a deal is never left without one by a failed write). Search results carry no
/// <c>companyId</c> (HubSpot's search does not return associations); read the deal for it.
/// </summary>
/// <param name="http">An HttpClient whose pipeline contains <see cref="CrmAccessTokenHandler"/>.</param>
/// <param name="options">The API base and provider name.</param>
public sealed class HubSpotCrmConnector(HttpClient http, HubSpotCrmOptions options)
    : RemoteCrmConnector(
        http, options, HubSpotProperties.Provider, CrmRecordIdFormat.Numeric, HubSpotProperties.Maps)
{
    private readonly Uri _base = BaseAddressOf(options.BaseAddress);

    /// <summary>How many pages of <see cref="ScanPageSize"/> records a search that must match locally reads at most.</summary>
    public const int MaxScanPages = 10;

    /// <summary>The page size of a search that matches locally.</summary>
    public const int ScanPageSize = 100;

    /// <summary>Searches with HubSpot's query, or matches locally when a property is excluded.</summary>
    /// <remarks>
    /// HubSpot's free-text <c>query</c> matches its own default searchable properties (a contact's email and phone among
    /// them) and cannot be narrowed to some properties. So when a query is given and a property is excluded, the query is
    /// not sent: the connector reads the records in id order, at most <see cref="MaxScanPages"/> pages of
    /// <see cref="ScanPageSize"/>, and matches the query itself, as a case-insensitive substring of the text, email, phone
    /// and enumeration properties not excluded. What it returns then never depends on an excluded value; past the pages
    /// read it answers <c>hasMore</c>.
    /// </remarks>
    private protected override async Task<CrmSearchResult> SearchRecordsAsync(
        CrmActor actor, CrmObjectType objectType, string? query, int limit, IReadOnlySet<string> excludedProperties, CancellationToken cancellationToken)
    {
        var map = MapOf(objectType);
        if (!string.IsNullOrWhiteSpace(query) && map.Mapped.Any(p => excludedProperties.Contains(p.Name)))
        {
            return await ScanAsync(actor, map, query.Trim(), limit, excludedProperties, cancellationToken).ConfigureAwait(false);
        }

        var body = SearchBody(map, limit, query: string.IsNullOrWhiteSpace(query) ? null : query.Trim(), after: null);
        var response = await SearchPageAsync(actor, map, body, cancellationToken).ConfigureAwait(false);
        var records = (response.Body?["results"] as JsonArray ?? []).Select(r => ToRecord(map, r)).ToList();
        var hasMore = response.Body?["paging"]?["next"]?["after"] is not null;
        return new CrmSearchResult(records, hasMore);
    }

    // The local match of a search that may not use HubSpot's query (see SearchAsync): id order, readable properties only.
    private async Task<CrmSearchResult> ScanAsync(
        CrmActor actor, RemotePropertyMap map, string query, int limit, IReadOnlySet<string> excluded, CancellationToken cancellationToken)
    {
        var searchable = map.Mapped
            .Where(p => p.Kind is CrmPropertyKind.Text or CrmPropertyKind.Email or CrmPropertyKind.Enumeration or CrmPropertyKind.Phone)
            .Where(p => !excluded.Contains(p.Name))
            .Select(p => p.Name)
            .ToList();
        if (searchable.Count == 0)
        {
            return new CrmSearchResult([], false);
        }

        var found = new List<CrmRecord>();
        string? after = null;
        for (var page = 0; page < MaxScanPages; page++)
        {
            var response = await SearchPageAsync(actor, map, SearchBody(map, ScanPageSize, query: null, after), cancellationToken).ConfigureAwait(false);
            foreach (var record in (response.Body?["results"] as JsonArray ?? []).Select(r => ToRecord(map, r)))
            {
                if (searchable.Any(name => record.Properties.GetValueOrDefault(name) is string text && text.Contains(query, StringComparison.OrdinalIgnoreCase)))
                {
                    found.Add(record);
                    if (found.Count > limit)
                    {
                        return new CrmSearchResult(found.Take(limit).ToList(), true);
                    }
                }
            }

            after = response.Body?["paging"]?["next"]?["after"]?.GetValue<string>();
            if (after is null)
            {
                return new CrmSearchResult(found, false);
            }
        }

        return new CrmSearchResult(found, true);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Patches the properties, then (for a deal's <c>companyId</c>) moves the association and reads the deal again;
    /// without an association change the PATCH answer, merged over the record read before, is the result.
    /// </remarks>
    private protected override async Task<CrmWriteResult> WriteChangesAsync(
        CrmActor actor, RemotePropertyMap map, string id, CrmRecord before, IReadOnlyList<CrmPropertyDefinition> changed,
        IReadOnlyDictionary<string, object?> changes, CancellationToken cancellationToken)
    {
        var properties = changed.Where(d => d.Name != HubSpotProperties.CompanyId).ToList();
        if (properties.Count < changed.Count)
        {
            if (properties.Count > 0)
            {
                await PatchAsync(actor, map, id, properties, changes, cancellationToken).ConfigureAwait(false);
            }

            await ReassociateAsync(actor, id, before.Properties.GetValueOrDefault(HubSpotProperties.CompanyId) as string, changes[HubSpotProperties.CompanyId] as string, cancellationToken).ConfigureAwait(false);
            var reread = await ReadRecordAsync(actor, map, id, cancellationToken).ConfigureAwait(false);
            return new CrmWriteResult(reread, RemoteWritePlan.Changes(changed, before, reread), Created: false);
        }

        var response = await PatchAsync(actor, map, id, properties, changes, cancellationToken).ConfigureAwait(false);
        var patched = ToRecord(map, response.Body);

        // The PATCH answer need not carry every property: what it does not carry kept its value from before.
        var merged = new Dictionary<string, object?>(before.Properties, StringComparer.Ordinal);
        var answered = PropertiesOf(response.Body);
        foreach (var property in map.Mapped.Where(p => answered.ContainsKey(map.WireName(p))))
        {
            merged[property.Name] = patched.Properties[property.Name];
        }

        var after = patched with { Properties = merged, CreatedAt = before.CreatedAt };
        return new CrmWriteResult(after, RemoteWritePlan.Changes(changed, before, after), Created: false);
    }

    /// <inheritdoc />
    private protected override async Task<CrmWriteResult> CreateContactRecordAsync(
        CrmActor actor, RemotePropertyMap map, IReadOnlyList<CrmPropertyDefinition> definitions,
        IReadOnlyDictionary<string, object?> properties, CancellationToken cancellationToken)
    {
        RemoteCrmResponse response;
        try
        {
            response = await SendAsync(
                actor, HttpMethod.Post, "crm/v3/objects/contacts", new JsonObject { ["properties"] = WireProperties(map, definitions, properties) },
                "a new contact", cancellationToken).ConfigureAwait(false);
        }
        catch (CrmException ex) when (ex.Code == CrmErrorCodes.Conflict)
        {
            // HubSpot answers 409 when a contact with that email exists.
            throw new CrmException(CrmErrorCodes.Duplicate,
                $"Another contact in HubSpot already has the email '{CrmText.Shorten(properties.GetValueOrDefault("email") as string ?? "")}'.");
        }

        var after = ToRecord(map, response.Body);
        return new CrmWriteResult(after, RemoteWritePlan.Changes(definitions, null, after), Created: true);
    }

    /// <inheritdoc />
    private protected override async Task<CrmRecord> ReadRecordAsync(CrmActor actor, RemotePropertyMap map, string id, CancellationToken cancellationToken)
    {
        var path = $"{ObjectPath(map.Type, id)}?properties={Uri.EscapeDataString(string.Join(',', map.WireNames))}";
        if (map.Type == CrmObjectType.Deal)
        {
            path += "&associations=companies";
        }

        var response = await SendAsync(actor, HttpMethod.Get, path, null, $"{map.Type.ToName()} {id}", cancellationToken).ConfigureAwait(false);
        var record = ToRecord(map, response.Body);
        if (map.Type != CrmObjectType.Deal)
        {
            return record;
        }

        var companies = response.Body?["associations"]?["companies"]?["results"] as JsonArray ?? [];
        var companyId = companies.Select(c => c?["id"]).OfType<JsonValue>().Select(v => v.TryGetValue<string>(out var s) ? s : v.ToJsonString()).FirstOrDefault();
        return record with { Properties = new Dictionary<string, object?>(record.Properties, StringComparer.Ordinal) { [HubSpotProperties.CompanyId] = companyId } };
    }

    private Task<RemoteCrmResponse> PatchAsync(
        CrmActor actor, RemotePropertyMap map, string id, IReadOnlyList<CrmPropertyDefinition> properties, IReadOnlyDictionary<string, object?> changes, CancellationToken cancellationToken) =>
        SendAsync(actor, HttpMethod.Patch, ObjectPath(map.Type, id), new JsonObject { ["properties"] = WireProperties(map, properties, changes) },
            $"{map.Type.ToName()} {id}", cancellationToken);

    // Adds the new company first, then removes the old one: a failure in between leaves the deal with both, never with none.
    private async Task ReassociateAsync(CrmActor actor, string dealId, string? oldCompanyId, string? newCompanyId, CancellationToken cancellationToken)
    {
        if (newCompanyId is not null)
        {
            try
            {
                await SendAsync(actor, HttpMethod.Put, $"crm/v4/objects/deals/{dealId}/associations/default/companies/{newCompanyId}", null,
                    $"company {newCompanyId} for deal {dealId}", cancellationToken).ConfigureAwait(false);
            }
            catch (CrmException ex) when (ex.Code == CrmErrorCodes.NotFound)
            {
                // As the embedded CRM says it: the value names no company (the deal itself was read just before).
                throw new CrmException(CrmErrorCodes.InvalidValue, $"Property 'companyId' is {newCompanyId}, which is not a company in HubSpot.");
            }
        }

        if (oldCompanyId is not null && oldCompanyId != newCompanyId && RecordIdFormat.IsWellFormed(oldCompanyId))
        {
            await SendAsync(actor, HttpMethod.Delete, $"crm/v4/objects/deals/{dealId}/associations/companies/{oldCompanyId}", null,
                $"the association of deal {dealId} with company {oldCompanyId}", cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<RemoteCrmResponse> SendAsync(
        CrmActor actor, HttpMethod method, string path, JsonNode? body, string what, CancellationToken cancellationToken, bool read = false)
    {
        var response = await Http.SendAsync(actor, method, new Uri(_base, path), null, body, what, cancellationToken, read).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            throw Failed(response, ErrorMessage(response.Body), what);
        }

        return response;
    }

    // HubSpot errors: {status, message, category, ...}; only a validation message is echoed (by the mapper, for 400).
    private static string? ErrorMessage(JsonNode? body) =>
        body is JsonObject o && o["message"] is JsonValue m && m.TryGetValue<string>(out var text) ? text : null;

    // One search request: the mapped properties, in id order; a query, or the page after a cursor.
    private static JsonObject SearchBody(RemotePropertyMap map, int limit, string? query, string? after)
    {
        var body = new JsonObject
        {
            ["limit"] = limit,
            ["properties"] = new JsonArray(map.WireNames.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()),
            ["sorts"] = new JsonArray(new JsonObject { ["propertyName"] = "hs_object_id", ["direction"] = "ASCENDING" }),
        };
        if (query is not null)
        {
            body["query"] = query;
        }

        if (after is not null)
        {
            body["after"] = after;
        }

        return body;
    }

    private Task<RemoteCrmResponse> SearchPageAsync(CrmActor actor, RemotePropertyMap map, JsonObject body, CancellationToken cancellationToken) =>
        SendAsync(actor, HttpMethod.Post, $"crm/v3/objects/{HubSpotProperties.PathOf(map.Type)}/search", body, $"{map.Type.ToName()} search", cancellationToken, read: true);

    private static string ObjectPath(CrmObjectType type, string id) => $"crm/v3/objects/{HubSpotProperties.PathOf(type)}/{id}";

    private static JsonObject WireProperties(RemotePropertyMap map, IEnumerable<CrmPropertyDefinition> definitions, IReadOnlyDictionary<string, object?> values)
    {
        var wire = new JsonObject();
        foreach (var definition in definitions)
        {
            wire[map.WireName(definition)] = RemoteCrmValues.ToText(values[definition.Name]);
        }

        return wire;
    }

    private static JsonObject PropertiesOf(JsonNode? body) => body?["properties"] as JsonObject ?? [];

    private static CrmRecord ToRecord(RemotePropertyMap map, JsonNode? body)
    {
        if (body is not JsonObject json || json["id"] is not JsonValue idValue || !idValue.TryGetValue<string>(out var id))
        {
            throw new CrmException(CrmErrorCodes.Unavailable, "HubSpot answered with a record the connector cannot read.");
        }

        var wire = PropertiesOf(json);
        var properties = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in map.Mapped)
        {
            properties[property.Name] = RemoteCrmValues.FromJson(property, wire[map.WireName(property)]);
        }

        var updatedAt = RemoteCrmValues.ParseTimestamp(json["updatedAt"]?.GetValue<string>());
        return new CrmRecord(
            map.Type,
            id,
            updatedAt.ToUnixTimeMilliseconds(),
            RemoteCrmValues.ParseTimestamp(json["createdAt"]?.GetValue<string>()),
            updatedAt,
            properties);
    }
}
