using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace GovernedCrm.Testing.CrmDoubles;

/// <summary>
/// A local contract double of the Salesforce REST endpoints the connector uses, under <c>/services/data/{version}/</c>:
/// <c>GET sobjects/{T}/{id}?fields=</c> (a record with <c>attributes</c>), <c>PATCH</c> (204), <c>POST sobjects/{T}/</c>
/// (201 <c>{id, success, errors}</c>) and <c>GET query?q=</c> (the connector's SOQL shape, see <see cref="SoqlQuery"/>),
/// for Contact, Account and Opportunity. Errors are arrays <c>[{message, errorCode}]</c>. Numbers are JSON numbers,
/// dates yyyy-MM-dd, timestamps like <c>2026-11-23T10:00:00.000+0000</c>. Ids are 18 characters (prefix 003, 001, 006).
/// </summary>
public sealed class SalesforceDouble(CrmTokenIntrospector introspect, TimeProvider? time = null)
    : CrmDouble(introspect, time, (type, n) => Prefix(type) + n.ToString("D12", CultureInfo.InvariantCulture) + "AAA")
{
    private static readonly string[] SystemFields = ["Id", "CreatedDate", "LastModifiedDate", "SystemModstamp"];

    private static readonly Dictionary<string, HashSet<string>> Known = new(StringComparer.Ordinal)
    {
        ["Contact"] = ["Email", "FirstName", "LastName", "Phone", "Title", "OwnerId", "AccountId"],
        ["Account"] = ["Name", "Website", "Industry", "BillingCity", "BillingCountry", "NumberOfEmployees", "AnnualRevenue", "OwnerId"],
        ["Opportunity"] = ["Name", "Amount", "StageName", "CloseDate", "OwnerId", "AccountId"],
    };

    private static readonly Dictionary<string, string[]> Required = new(StringComparer.Ordinal)
    {
        ["Contact"] = ["LastName"],
        ["Account"] = ["Name"],
        ["Opportunity"] = ["Name", "StageName", "CloseDate"],
    };

    /// <summary>Adds a record with the given fields (JSON values as Salesforce holds them); returns its 18-character id.</summary>
    public string Seed(string sObject, JsonObject fields) => Store.Add(sObject, fields).Id;

    /// <inheritdoc />
    protected override void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/services/data/{version}/sobjects/{type}/{id}", GetAsync);
        app.MapMethods("/services/data/{version}/sobjects/{type}/{id}", ["PATCH"], PatchAsync);
        app.MapPost("/services/data/{version}/sobjects/{type}", CreateAsync);
        app.MapGet("/services/data/{version}/query", QueryAsync);
    }

    /// <inheritdoc />
    protected override JsonNode ErrorBody(int status, string message) => new JsonArray(new JsonObject
    {
        ["message"] = message,
        ["errorCode"] = status switch
        {
            400 => "INVALID_FIELD",
            401 => "INVALID_SESSION_ID",
            403 => "INSUFFICIENT_ACCESS",
            404 => "NOT_FOUND",
            409 => "ENTITY_IS_LOCKED",
            429 => "REQUEST_LIMIT_EXCEEDED",
            _ => "UNKNOWN_EXCEPTION",
        },
    });

    private static string Prefix(string sObject) => sObject switch
    {
        "Account" => "001",
        "Contact" => "003",
        "Opportunity" => "006",
        _ => "a00",
    };

    private static Task ErrorAsync(HttpContext context, int status, string errorCode, string message, params string[] fields) =>
        WriteJsonAsync(context, status, new JsonArray(new JsonObject
        {
            ["message"] = message,
            ["errorCode"] = errorCode,
            ["fields"] = new JsonArray(fields.Select(f => (JsonNode?)JsonValue.Create(f)).ToArray()),
        }));

    private async Task GetAsync(HttpContext context)
    {
        var type = (string)context.Request.RouteValues["type"]!;
        if (Find(type, (string)context.Request.RouteValues["id"]!) is not { } record)
        {
            await ErrorAsync(context, 404, "NOT_FOUND", "The requested resource does not exist").ConfigureAwait(false);
            return;
        }

        var fields = context.Request.Query["fields"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries);
        if (fields.FirstOrDefault(f => !SystemFields.Contains(f) && !Known[type].Contains(f)) is { } bad)
        {
            await ErrorAsync(context, 400, "INVALID_FIELD", $"No such column '{bad}' on entity '{type}'.").ConfigureAwait(false);
            return;
        }

        await WriteJsonAsync(context, 200, ToJson(type, record, fields.Length == 0 ? [.. SystemFields, .. Known[type]] : fields)).ConfigureAwait(false);
    }

    private async Task PatchAsync(HttpContext context)
    {
        var type = (string)context.Request.RouteValues["type"]!;
        var body = await ReadObjectAsync(context).ConfigureAwait(false);
        if (await CheckAsync(context, type, body).ConfigureAwait(false) is not { } fields)
        {
            return;
        }

        var record = Find(type, (string)context.Request.RouteValues["id"]!);
        if (record is null || Store.Update(type, record.Id, fields) is null)
        {
            await ErrorAsync(context, 404, "NOT_FOUND", "The requested resource does not exist").ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = 204;
    }

    private async Task CreateAsync(HttpContext context)
    {
        var type = (string)context.Request.RouteValues["type"]!;
        var body = await ReadObjectAsync(context).ConfigureAwait(false);
        if (await CheckAsync(context, type, body).ConfigureAwait(false) is not { } fields)
        {
            return;
        }

        var missing = Required[type].Where(r => fields[r] is null).ToArray();
        if (missing.Length > 0)
        {
            await ErrorAsync(context, 400, "REQUIRED_FIELD_MISSING", $"Required fields are missing: [{string.Join(", ", missing)}]", missing).ConfigureAwait(false);
            return;
        }

        var record = Store.Add(type, fields);
        await WriteJsonAsync(context, 201, new JsonObject { ["id"] = record.Id, ["success"] = true, ["errors"] = new JsonArray() }).ConfigureAwait(false);
    }

    private async Task QueryAsync(HttpContext context)
    {
        var soql = context.Request.Query["q"].ToString();
        var query = SoqlQuery.TryParse(soql);
        if (query is null || !Known.TryGetValue(query.SObject, out var known)
            || query.Fields.Concat(query.Conditions.Select(c => c.Field)).FirstOrDefault(f => !SystemFields.Contains(f) && !known.Contains(f)) is { } _)
        {
            await ErrorAsync(context, 400, "MALFORMED_QUERY", "unexpected token or unknown field in the query").ConfigureAwait(false);
            return;
        }

        NoteSearchText(context, query.SearchText);
        var matches = Store.All(query.SObject)
            .Where(r => query.Conditions.Count == 0 || query.Conditions.Any(c => r.Fields.GetValueOrDefault(c.Field) is JsonValue v
                && v.GetValueKind() == System.Text.Json.JsonValueKind.String && c.Pattern.IsMatch(v.GetValue<string>())))
            .Take(query.Limit)
            .ToList();
        await WriteJsonAsync(context, 200, new JsonObject
        {
            ["totalSize"] = matches.Count,
            ["done"] = true,
            ["records"] = new JsonArray(matches.Select(r => (JsonNode?)ToJson(query.SObject, r, query.Fields)).ToArray()),
        }).ConfigureAwait(false);
    }

    private DoubleRecord? Find(string type, string id) =>
        !Known.ContainsKey(type) ? null
        : id.Length == 18 ? Store.Find(type, id)
        : id.Length == 15 ? Store.All(type).FirstOrDefault(r => r.Id.StartsWith(id, StringComparison.Ordinal))
        : null;

    private static async Task<JsonObject?> CheckAsync(HttpContext context, string type, JsonObject? body)
    {
        if (!Known.TryGetValue(type, out var known) || body is null)
        {
            await ErrorAsync(context, 404, "NOT_FOUND", "The requested resource does not exist").ConfigureAwait(false);
            return null;
        }

        foreach (var (name, value) in body)
        {
            if (!known.Contains(name))
            {
                await ErrorAsync(context, 400, "INVALID_FIELD", $"No such column '{name}' on sobject of type {type}", name).ConfigureAwait(false);
                return null;
            }

            if (name == "Email" && value is JsonValue email && !email.GetValue<string>().Contains('@', StringComparison.Ordinal))
            {
                await ErrorAsync(context, 400, "INVALID_EMAIL_ADDRESS", $"Email: invalid email address: {email.GetValue<string>()}", name).ConfigureAwait(false);
                return null;
            }
        }

        return (JsonObject)body.DeepClone();
    }

    private static JsonObject ToJson(string type, DoubleRecord record, IEnumerable<string> fields)
    {
        var json = new JsonObject
        {
            ["attributes"] = new JsonObject { ["type"] = type, ["url"] = $"/services/data/v60.0/sobjects/{type}/{record.Id}" },
        };
        foreach (var field in fields)
        {
            json[field] = field switch
            {
                "Id" => record.Id,
                "CreatedDate" => Stamp(record.CreatedAt),
                "LastModifiedDate" or "SystemModstamp" => Stamp(record.UpdatedAt),
                _ => record.Fields.GetValueOrDefault(field)?.DeepClone(),
            };
        }

        return json;
    }

    private static string Stamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture) + "+0000";
}
