using System.Security.Cryptography;
using System.Text;
using System.Runtime.InteropServices;
using GovernedCrm.Governance.Tools;
using GovernedCrm.Governance.Steps.Validation;

namespace GovernedCrm.Governance.Audit;

/// <summary>Builds audit records from a governed call, so every entry of one call carries the same identifying fields.</summary>
public static class AuditRecords
{
    /// <summary>The argument that carries the agent's reason, by convention of the CRM tools.</summary>
    public const string ReasonArgument = "reason";

    /// <summary>The argument that carries the agent's confidence.</summary>
    public const string ConfidenceArgument = "confidence";

    /// <summary>A record for <paramref name="call"/> with the call's identity, origin, target and agent rationale filled in.</summary>
    /// <param name="call">The call.</param>
    /// <param name="eventType">The step.</param>
    /// <param name="action">The kind of act.</param>
    /// <param name="outcome">The outcome text.</param>
    /// <returns>The record; callers add values with <c>with</c>.</returns>
    public static AuditRecord For(GovernedCall call, AuditEventType eventType, AuditActionType action, string outcome)
    {
        ArgumentNullException.ThrowIfNull(call);
        return new AuditRecord
        {
            Tenant = call.Caller.Tenant,
            Event = eventType,
            Action = action,
            Actor = call.Caller.UserId,
            OnBehalfOf = OnBehalfOf(call.Origin.ClientName, call.Origin.ClientVersion),
            SessionId = call.Origin.SessionId,
            RequestId = call.Origin.RequestId,
            ExecutionId = call.ExecutionId,
            CorrelationId = call.Origin.CorrelationId,
            Tool = call.Tool.ToolName,
            TargetSystem = call.Tool.TargetSystem,
            ObjectType = call.ObjectType,
            RecordId = call.RecordId,
            Reasoning = call.Tool.SensitiveArguments.Contains(ReasonArgument) ? AuditRedaction.Redacted : StringArgument(call, ReasonArgument),
            Confidence = !call.Tool.SensitiveArguments.Contains(ConfidenceArgument) && call.Arguments.TryGetValue(ConfidenceArgument, out var c) && c.ValueKind == JsonValueKind.Number ? c.GetDouble() : null,
            PolicyVersion = call.Decision?.PolicyVersion,
            Rule = call.Decision?.Rule,
            Approver = call.Approval?.DecidedBy,
            Outcome = call.Approval is { } approval ? outcome + Approvals.ApprovalDecisionEntry.ApprovalTag + approval.Id : outcome,

            // Arguments the transport could not hand over faithfully are not digested: what the server holds is not what was sent.
            ArgumentsDigest = call.MalformedArguments is null ? ArgumentsDigest(call.Arguments) : null,
        };
    }

    /// <summary>The kind of act a tool performs.</summary>
    /// <param name="tool">The tool.</param>
    /// <returns>Read or write.</returns>
    public static AuditActionType ActionOf(GovernedToolDescriptor tool)
    {
        ArgumentNullException.ThrowIfNull(tool);
        return tool.IsWrite ? AuditActionType.Write : AuditActionType.Read;
    }

    /// <summary>"name/version" of the client, or null.</summary>
    /// <param name="name">The client name.</param>
    /// <param name="version">The client version.</param>
    /// <returns>The on-behalf-of text.</returns>
    public static string? OnBehalfOf(string? name, string? version) =>
        name is null ? null : version is null ? name : $"{name}/{version}";

    /// <summary>
    /// SHA-256 (hex) over the arguments serialized with sorted keys, so the same arguments always give the same
    /// digest: approvals bind to it. Arguments that have no canonical form (a repeated name, text that is not valid
    /// Unicode, nesting past the limit: see <see cref="MalformedJson"/>) get a digest of their bytes as sent instead;
    /// the validation step refuses such calls, so nothing binds to that digest. This never throws on what a client sent.
    /// </summary>
    /// <param name="arguments">The arguments.</param>
    /// <returns>The digest.</returns>
    public static string ArgumentsDigest(IReadOnlyDictionary<string, JsonElement> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        if (MalformedJson.Find(arguments) is not null)
        {
            return RawArgumentsDigest(arguments);
        }

        try
        {
            var canonical = new JsonObject();
            foreach (var (name, value) in arguments.OrderBy(a => a.Key, StringComparer.Ordinal))
            {
                canonical[name] = Canonical(JsonNode.Parse(value.GetRawText()));
            }

            return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToJsonString())));
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or JsonException)
        {
            // Last line of defence for JSON the scan above let through: the trail still gets a digest.
            return RawArgumentsDigest(arguments);
        }
    }

    // Each name (UTF-8, lone surrogates replaced) and the value's bytes exactly as sent, in name order, NUL separated.
    private static string RawArgumentsDigest(IReadOnlyDictionary<string, JsonElement> arguments)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, value) in arguments.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(name));
            hash.AppendData([0]);
            if (value.ValueKind != JsonValueKind.Undefined)
            {
                hash.AppendData(JsonMarshal.GetRawUtf8Value(value));
            }

            hash.AppendData([0]);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The digest of arguments stored as a JSON object (an approval's), or null when the text is not one.</summary>
    /// <param name="argumentsJson">The arguments, as JSON text.</param>
    /// <returns>The digest, or null.</returns>
    public static string? ArgumentsDigestOfJson(string argumentsJson)
    {
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(argumentsJson) is { } arguments ? ArgumentsDigest(arguments) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Serializes redacted JSON for a record field.</summary>
    /// <param name="node">The JSON.</param>
    /// <returns>The text, or null.</returns>
    public static string? Json(JsonNode? node) => Json(node, null);

    /// <summary>Serializes redacted JSON for a record field, also redacting the given names.</summary>
    /// <param name="node">The JSON.</param>
    /// <param name="sensitive">Names marked [Sensitive] by the tool.</param>
    /// <returns>The text, or null.</returns>
    public static string? Json(JsonNode? node, IReadOnlySet<string>? sensitive) =>
        node is null ? null : AuditRedaction.Redact(node, sensitive)!.ToJsonString();

    /// <summary>Redacts JSON text already summarized for the audit trail (a tool's result summary).</summary>
    /// <param name="json">The JSON text, or null.</param>
    /// <param name="sensitive">Names marked [Sensitive] on the tool's result type.</param>
    /// <returns>The redacted text, or null.</returns>
    public static string? RedactJson(string? json, IReadOnlySet<string> sensitive)
    {
        ArgumentNullException.ThrowIfNull(sensitive);
        return json is null || sensitive.Count == 0 ? json : Json(JsonNode.Parse(json), sensitive);
    }

    private static JsonNode? Canonical(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Canonical(p.Value)))),
        JsonArray array => new JsonArray(array.Select(Canonical).ToArray()),
        _ => node?.DeepClone(),
    };

    private static string? StringArgument(GovernedCall call, string name) =>
        call.Arguments.TryGetValue(name, out var value) ? JsonText.StringOrNull(value) : null;

    internal static string Describe(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
