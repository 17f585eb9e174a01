using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace GovernedCrm.Testing.CrmDoubles;

/// <summary>
/// A local contract double of the HubSpot CRM v3 object endpoints the connector uses: read, update, create (contacts)
/// and search, for contacts, companies and deals. Shapes follow HubSpot: a record is
/// <c>{id, properties, createdAt, updatedAt, archived}</c> with every property value a string; a search answers
/// <c>{total, results, paging.next.after}</c>; an error is <c>{status, message, correlationId, category}</c>.
/// Unknown properties are refused (400 VALIDATION_ERROR), a duplicate contact email is 409, and a closedate is kept
/// as midnight UTC in ISO form, as HubSpot does. Deals and companies are linked by associations: a deal read with
/// <c>associations=companies</c> lists them, and the v4 endpoints add (<c>PUT .../associations/default/companies/{id}</c>)
/// and remove (<c>DELETE .../associations/companies/{id}</c>) one.
/// </summary>
public sealed class HubSpotDouble(CrmTokenIntrospector introspect, TimeProvider? time = null)
    : CrmDouble(introspect, time, (_, n) => (1000 + n).ToString(CultureInfo.InvariantCulture))
{
    private static readonly Dictionary<string, HashSet<string>> Known = new(StringComparer.Ordinal)
    {
        ["contacts"] = ["email", "firstname", "lastname", "phone", "company", "jobtitle", "lifecyclestage", "hubspot_owner_id"],
        ["companies"] = ["name", "domain", "industry", "city", "country", "numberofemployees", "annualrevenue", "hubspot_owner_id"],
        ["deals"] = ["dealname", "amount", "dealstage", "pipeline", "closedate", "hubspot_owner_id"],
    };

    private readonly Lock _associationGate = new();
    private readonly Dictionary<string, SortedSet<string>> _dealCompanies = new(StringComparer.Ordinal);

    /// <summary>The companies associated with a deal.</summary>
    public IReadOnlyList<string> CompaniesOf(string dealId)
    {
        lock (_associationGate)
        {
            return _dealCompanies.TryGetValue(dealId, out var companies) ? [.. companies] : [];
        }
    }

    /// <summary>Associates a deal with a company.</summary>
    public void Associate(string dealId, string companyId)
    {
        lock (_associationGate)
        {
            if (!_dealCompanies.TryGetValue(dealId, out var companies))
            {
                companies = new SortedSet<string>(StringComparer.Ordinal);
                _dealCompanies[dealId] = companies;
            }

            companies.Add(companyId);
        }
    }

    /// <summary>Adds a record with the given HubSpot properties (strings); returns its id.</summary>
    public string Seed(string objectType, IReadOnlyDictionary<string, string?> properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var fields = new JsonObject();
        foreach (var (name, value) in properties)
        {
            fields[name] = Normalize(name, value);
        }

        return Store.Add(objectType, fields).Id;
    }

    /// <inheritdoc />
    protected override void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/crm/v3/objects/{type}/{id}", GetAsync);
        app.MapMethods("/crm/v3/objects/{type}/{id}", ["PATCH"], PatchAsync);
        app.MapPost("/crm/v3/objects/{type}/search", SearchAsync);
        app.MapPost("/crm/v3/objects/{type}", CreateAsync);
        app.MapPut("/crm/v4/objects/deals/{id}/associations/default/companies/{companyId}", AssociateAsync);
        app.MapDelete("/crm/v4/objects/deals/{id}/associations/companies/{companyId}", DissociateAsync);
    }

    /// <inheritdoc />
    protected override JsonNode ErrorBody(int status, string message) => new JsonObject
    {
        ["status"] = "error",
        ["message"] = message,
        ["correlationId"] = Guid.NewGuid().ToString(),
        ["category"] = status switch
        {
            400 => "VALIDATION_ERROR",
            401 => "INVALID_AUTHENTICATION",
            403 => "MISSING_SCOPES",
            404 => "OBJECT_NOT_FOUND",
            409 => "CONFLICT",
            429 => "RATE_LIMITS",
            _ => "INTERNAL_ERROR",
        },
    };

    private async Task GetAsync(HttpContext context)
    {
        var type = (string)context.Request.RouteValues["type"]!;
        if (!Known.ContainsKey(type) || Store.Find(type, (string)context.Request.RouteValues["id"]!) is not { } record)
        {
            await WriteErrorAsync(context, 404, "Object not found.  objectId are usually numeric.").ConfigureAwait(false);
            return;
        }

        var requested = context.Request.Query["properties"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries);
        var json = ToJson(record, requested);
        if (type == "deals" && context.Request.Query["associations"].ToString().Split(',').Contains("companies") && CompaniesOf(record.Id) is { Count: > 0 } companies)
        {
            json["associations"] = new JsonObject
            {
                ["companies"] = new JsonObject
                {
                    ["results"] = new JsonArray(companies.Select(c => (JsonNode?)new JsonObject { ["id"] = c, ["type"] = "deal_to_company" }).ToArray()),
                },
            };
        }

        await WriteJsonAsync(context, 200, json).ConfigureAwait(false);
    }

    private async Task AssociateAsync(HttpContext context)
    {
        var dealId = (string)context.Request.RouteValues["id"]!;
        var companyId = (string)context.Request.RouteValues["companyId"]!;
        if (Store.Find("deals", dealId) is null || Store.Find("companies", companyId) is null)
        {
            await WriteErrorAsync(context, 404, "Object not found.  objectId are usually numeric.").ConfigureAwait(false);
            return;
        }

        Associate(dealId, companyId);
        await WriteJsonAsync(context, 200, new JsonObject
        {
            ["status"] = "COMPLETE",
            ["results"] = new JsonArray(new JsonObject
            {
                ["from"] = new JsonObject { ["id"] = dealId },
                ["to"] = new JsonObject { ["id"] = companyId },
                ["associationSpec"] = new JsonObject { ["associationCategory"] = "HUBSPOT_DEFINED", ["associationTypeId"] = 5 },
            }),
        }).ConfigureAwait(false);
    }

    private Task DissociateAsync(HttpContext context)
    {
        var dealId = (string)context.Request.RouteValues["id"]!;
        lock (_associationGate)
        {
            if (_dealCompanies.TryGetValue(dealId, out var companies))
            {
                companies.Remove((string)context.Request.RouteValues["companyId"]!);
            }
        }

        context.Response.StatusCode = 204;
        return Task.CompletedTask;
    }

    private async Task PatchAsync(HttpContext context)
    {
        var type = (string)context.Request.RouteValues["type"]!;
        var body = await ReadObjectAsync(context).ConfigureAwait(false);
        if (await CheckAsync(context, type, body).ConfigureAwait(false) is not { } fields)
        {
            return;
        }

        var id = (string)context.Request.RouteValues["id"]!;
        if (Store.Update(type, id, fields) is not { } record)
        {
            await WriteErrorAsync(context, 404, "Object not found.  objectId are usually numeric.").ConfigureAwait(false);
            return;
        }

        await WriteJsonAsync(context, 200, ToJson(record, null)).ConfigureAwait(false);
    }

    private async Task CreateAsync(HttpContext context)
    {
        var type = (string)context.Request.RouteValues["type"]!;
        var body = await ReadObjectAsync(context).ConfigureAwait(false);
        if (await CheckAsync(context, type, body).ConfigureAwait(false) is not { } fields)
        {
            return;
        }

        var email = fields["email"]?.GetValue<string>();
        var (record, existing) = Store.Locked(() =>
        {
            var clash = type == "contacts" && !string.IsNullOrEmpty(email)
                ? Store.All(type).FirstOrDefault(r => string.Equals(r.Fields.GetValueOrDefault("email")?.GetValue<string>(), email, StringComparison.OrdinalIgnoreCase))
                : null;
            return clash is null ? (Store.Add(type, fields), null) : ((DoubleRecord?)null, clash);
        });
        if (existing is not null)
        {
            await WriteErrorAsync(context, 409, $"Contact already exists. Existing ID: {existing.Id}").ConfigureAwait(false);
            return;
        }

        await WriteJsonAsync(context, 201, ToJson(record!, null)).ConfigureAwait(false);
    }

    private async Task SearchAsync(HttpContext context)
    {
        var type = (string)context.Request.RouteValues["type"]!;
        var body = await ReadObjectAsync(context).ConfigureAwait(false);
        if (!Known.ContainsKey(type) || body is null)
        {
            await WriteErrorAsync(context, 400, "Invalid search request.").ConfigureAwait(false);
            return;
        }

        var query = body["query"]?.GetValue<string>();
        var limit = body["limit"]?.GetValue<int>() ?? 10;
        var after = int.TryParse(body["after"]?.GetValue<string>(), NumberStyles.None, CultureInfo.InvariantCulture, out var a) ? a : 0;
        var requested = (body["properties"] as JsonArray ?? []).Select(p => p!.GetValue<string>()).ToArray();
        var matches = Store.All(type)
            .Where(r => string.IsNullOrEmpty(query) || r.Fields.Values.Any(v => v?.GetValue<string>().Contains(query, StringComparison.OrdinalIgnoreCase) == true))
            .ToList();
        var page = matches.Skip(after).Take(limit).ToList();
        var answer = new JsonObject
        {
            ["total"] = matches.Count,
            ["results"] = new JsonArray(page.Select(r => (JsonNode?)ToJson(r, requested)).ToArray()),
        };
        if (after + limit < matches.Count)
        {
            var next = (after + limit).ToString(CultureInfo.InvariantCulture);
            answer["paging"] = new JsonObject { ["next"] = new JsonObject { ["after"] = next, ["link"] = $"?after={next}" } };
        }

        await WriteJsonAsync(context, 200, answer).ConfigureAwait(false);
    }

    private async Task<JsonObject?> CheckAsync(HttpContext context, string type, JsonObject? body)
    {
        if (!Known.TryGetValue(type, out var known) || body?["properties"] is not JsonObject properties)
        {
            await WriteErrorAsync(context, 400, "Invalid input JSON on line 1: expected an object with properties.").ConfigureAwait(false);
            return null;
        }

        var fields = new JsonObject();
        foreach (var (name, value) in properties)
        {
            if (!known.Contains(name))
            {
                await WriteErrorAsync(context, 400, $"Property values were not valid: [{{\"isValid\":false,\"message\":\"Property \\\"{name}\\\" does not exist\",\"error\":\"PROPERTY_DOESNT_EXIST\",\"name\":\"{name}\"}}]").ConfigureAwait(false);
                return null;
            }

            var text = value?.GetValue<string>();
            if (name is "amount" or "numberofemployees" or "annualrevenue" && !string.IsNullOrEmpty(text)
                && !decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            {
                await WriteErrorAsync(context, 400, $"Property values were not valid: [{{\"isValid\":false,\"message\":\"{text} was not a valid number.\",\"error\":\"INVALID_FLOAT\",\"name\":\"{name}\"}}]").ConfigureAwait(false);
                return null;
            }

            if (name == "hubspot_owner_id" && !string.IsNullOrEmpty(text) && !text.All(char.IsAsciiDigit))
            {
                await WriteErrorAsync(context, 400, $"Property values were not valid: [{{\"isValid\":false,\"message\":\"{text} is not a valid owner id\",\"error\":\"INVALID_OWNER_ID\",\"name\":\"{name}\"}}]").ConfigureAwait(false);
                return null;
            }

            fields[name] = Normalize(name, text);
        }

        return fields;
    }

    // HubSpot keeps a date property as midnight UTC and answers it in ISO form; "" clears a property.
    private static string? Normalize(string name, string? value) =>
        name == "closedate" && DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "T00:00:00Z"
            : string.IsNullOrEmpty(value) ? null : value;

    private static JsonObject ToJson(DoubleRecord record, IReadOnlyCollection<string>? requested)
    {
        var properties = new JsonObject
        {
            ["createdate"] = Stamp(record.CreatedAt),
            ["hs_lastmodifieddate"] = Stamp(record.UpdatedAt),
            ["hs_object_id"] = record.Id,
        };
        foreach (var name in requested ?? [.. record.Fields.Keys])
        {
            properties[name] = record.Fields.GetValueOrDefault(name)?.DeepClone();
        }

        return new JsonObject
        {
            ["id"] = record.Id,
            ["properties"] = properties,
            ["createdAt"] = Stamp(record.CreatedAt),
            ["updatedAt"] = Stamp(record.UpdatedAt),
            ["archived"] = false,
        };
    }

    private static string Stamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
