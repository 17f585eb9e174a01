using GovernedCrm.Governance.Tools;

namespace GovernedCrm.Governance.Approvals;

/// <summary>Merges an approver's edit into a proposal's properties argument: the values named are replaced, the rest kept.</summary>
internal static class ApprovalEdits
{
    public const string PropertiesArgument = GovernedToolDescriptor.DefaultPropertiesArgument;

    // A property named twice is ambiguous: which value did the approver mean? Refuse it.
    private static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false };

    /// <summary>The properties object of a proposal's arguments, or null when it has none.</summary>
    public static JsonObject? Properties(string argumentsJson) =>
        Parse(argumentsJson) is JsonObject arguments && arguments[PropertiesArgument] is JsonObject properties ? properties : null;

    /// <summary>Merges the edit, or says why it cannot be merged.</summary>
    /// <param name="argumentsJson">The proposed arguments.</param>
    /// <param name="editedPropertiesJson">The edit: a JSON object of property values.</param>
    /// <param name="mergedArgumentsJson">The arguments with the edit merged in.</param>
    /// <param name="changed">False when the edit only repeats the proposed values.</param>
    /// <param name="error">Why the edit is invalid.</param>
    /// <returns>True when merged.</returns>
    public static bool TryMerge(string argumentsJson, string editedPropertiesJson, out string mergedArgumentsJson, out bool changed, out string error)
    {
        mergedArgumentsJson = argumentsJson;
        changed = false;
        error = string.Empty;
        if (Parse(editedPropertiesJson) is not JsonObject edit || edit.Count == 0)
        {
            error = "The edit must be a JSON object of property values, e.g. {\"amount\": 45000}.";
            return false;
        }

        if (Parse(argumentsJson) is not JsonObject arguments || arguments[PropertiesArgument] is not JsonObject properties)
        {
            error = "The proposal has no properties to edit: approve it as proposed or reject it.";
            return false;
        }

        foreach (var (name, value) in edit)
        {
            if (!properties.TryGetPropertyValue(name, out var current) || !JsonNode.DeepEquals(current, value))
            {
                changed = true;
            }

            properties[name] = value?.DeepClone();
        }

        mergedArgumentsJson = arguments.ToJsonString();
        return true;
    }

    private static JsonNode? Parse(string json)
    {
        try
        {
            return JsonNode.Parse(json, documentOptions: Strict);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException)
        {
            return null;
        }
    }
}
