using System.Globalization;
using System.Text;
using GovernedCrm.Governance.Steps.Approval;

namespace GovernedCrm.Mcp.Governance;

/// <summary>
/// The confirmation form shown to a requester: the tool, the record, a before → after table, the agent's reason and
/// confidence, the rule that asked; each proposed value an editable field whose default is the proposed value. The
/// same form serves elicitation requests (2025-11-25) and multi round-trip input requests (2026-07-28). A current value
/// the requester may not read (the policy's field read rules on the call's object type) is shown redacted.
/// </summary>
internal static class ConfirmationForm
{
    public static ElicitRequestParams Build(ConfirmationRequest request)
    {
        var proposed = request.Proposal?.Proposed ?? new JsonObject();
        var before = Before(request);
        var schema = new ElicitRequestParams.RequestSchema();
        foreach (var (name, value) in proposed)
        {
            schema.Properties[name] = Field(name, value, before?[name]);
        }

        return new ElicitRequestParams { Message = Message(request), RequestedSchema = schema };
    }

    /// <summary>Turns the client's answer into the requester's decision.</summary>
    public static ConfirmationAnswer Answer(ConfirmationRequest request, ElicitResult result) => result.Action switch
    {
        "accept" => new ConfirmationAnswer.Accepted(Edits(request.Proposal?.Proposed ?? new JsonObject(), result.Content)),
        "decline" => new ConfirmationAnswer.Declined(),
        _ => new ConfirmationAnswer.Unavailable("the confirmation was cancelled"),
    };

    private static ElicitRequestParams.PrimitiveSchemaDefinition Field(string name, JsonNode? value, JsonNode? before)
    {
        var description = $"Now: {Show(before)}. Proposed: {Show(value)}. Change it here to accept a different value.";
        return value switch
        {
            JsonValue number when number.GetValueKind() == JsonValueKind.Number =>
                new ElicitRequestParams.NumberSchema { Title = name, Description = description, Default = number.GetValue<double>() },
            JsonValue flag when flag.GetValueKind() is JsonValueKind.True or JsonValueKind.False =>
                new ElicitRequestParams.BooleanSchema { Title = name, Description = description, Default = flag.GetValue<bool>() },
            JsonValue text when text.GetValueKind() == JsonValueKind.String =>
                new ElicitRequestParams.StringSchema { Title = name, Description = description, Default = text.GetValue<string>() },
            _ => new ElicitRequestParams.StringSchema { Title = name, Description = description },
        };
    }

    // The values the requester changed; null when they accepted the proposal as it was.
    internal static JsonObject? Edits(JsonObject proposed, IDictionary<string, JsonElement>? content)
    {
        if (content is null)
        {
            return null;
        }

        var edits = new JsonObject();
        foreach (var (name, value) in content)
        {
            if (!proposed.TryGetPropertyValue(name, out var original))
            {
                continue; // Only the proposed properties can be edited.
            }

            if (!Same(original, value))
            {
                edits[name] = JsonNode.Parse(value.GetRawText());
            }
        }

        return edits.Count == 0 ? null : edits;
    }

    private static bool Same(JsonNode? original, JsonElement answer) =>
        original is JsonValue number && number.GetValueKind() == JsonValueKind.Number && answer.ValueKind == JsonValueKind.Number
            ? number.GetValue<decimal>() == answer.GetDecimal()
            : (original?.ToJsonString() ?? "null") == answer.GetRawText();

    private static string Message(ConfirmationRequest request)
    {
        var call = request.Call;
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Confirm this change? {call.Tool.ToolName}");
        if (call.ObjectType is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $" on {call.ObjectType} {call.RecordId ?? "(new)"}");
        }

        text.Append(CultureInfo.InvariantCulture, $"\nWhy you are asked: {request.Approval.Reason} (rule {request.Approval.Rule})");
        if (call.Arguments.TryGetValue("reason", out var reason) && reason.ValueKind == JsonValueKind.String && !call.Tool.SensitiveArguments.Contains("reason"))
        {
            text.Append(CultureInfo.InvariantCulture, $"\nThe agent's reason: {reason.GetString()}");
        }

        if (call.Arguments.TryGetValue("confidence", out var confidence) && confidence.ValueKind == JsonValueKind.Number)
        {
            text.Append(CultureInfo.InvariantCulture, $" (confidence {confidence.GetDouble():0.##})");
        }

        if (request.Proposal is { } proposal)
        {
            text.Append("\n\n| property | now | proposed |\n|---|---|---|");
            var before = Before(request);
            foreach (var name in proposal.Properties)
            {
                text.Append(CultureInfo.InvariantCulture, $"\n| {name} | {Show(before?[name])} | {Show(proposal.Proposed[name])} |");
            }
        }

        text.Append("\n\nAccept to make the change (edit the values first if they are wrong), or decline to leave the record as it is. Edited values are checked by the policy again.");
        return text.ToString();
    }

    // The record's current values as the requester may see them: a property they may not read is redacted (the
    // proposed values are their own call's arguments, so they are shown).
    private static JsonNode? Before(ConfirmationRequest request) =>
        request.Proposal?.Before is { } before ? FieldRedaction.Redact(before, request.Approval.RedactedFields) : null;

    private static string Show(JsonNode? value) => value switch
    {
        null => "(empty)",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => value.ToJsonString(),
    };
}
