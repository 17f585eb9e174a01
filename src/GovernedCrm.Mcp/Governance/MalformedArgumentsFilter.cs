using System.Buffers;
using System.Runtime.InteropServices;
using GovernedCrm.Governance.Steps.Validation;

namespace GovernedCrm.Mcp.Governance;

/// <summary>
/// An incoming message filter, right after the RECEIVED entry, that looks at a tools/call request's parameters as
/// they were sent, before the SDK reads them into a dictionary. The SDK cannot read text that is not valid Unicode
/// (a lone surrogate escape: it fails with a generic internal error) and keeps only the last of a repeated argument
/// name. Such a call's arguments are replaced by none and the problem is handed to the governance pipeline, whose
/// validation step refuses the call with <see cref="MalformedJson"/>'s code, audited as DENIED like any refusal.
/// </summary>
internal static class MalformedArgumentsFilter
{
    /// <summary>The item holding the <see cref="GovernanceRefusal"/> for the call-tool filter.</summary>
    public const string Item = "governedcrm.malformedArguments";

    public static McpMessageHandler Create(McpMessageHandler next) => (context, cancellationToken) =>
    {
        if (context.JsonRpcMessage is JsonRpcRequest { Method: RequestMethods.ToolsCall, Params: { } parameters } request
            && Inspect(parameters) is { } refusal
            && ToolCallParams.TryReadName(parameters) is { } name)
        {
            // The SDK routes by name; the arguments it would read are not the ones sent, so it gets none.
            context.Items[Item] = refusal;
            request.Params = new JsonObject { ["name"] = name, ["arguments"] = new JsonObject() };
        }

        return next(context, cancellationToken);
    };

    /// <summary>The first problem in a tools/call request's parameters, or null when the SDK can read them faithfully.</summary>
    /// <param name="parameters">The request's params as the transport parsed them.</param>
    /// <returns>The refusal, or null.</returns>
    public static GovernanceRefusal? Inspect(JsonNode parameters)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        try
        {
            using var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true });
            parameters.WriteTo(writer);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or JsonException)
        {
            // Writing unescapes every string and name: it fails exactly where the SDK's own reading would.
            return new GovernanceRefusal(MalformedJson.InvalidTextCode, "The call holds text that is not valid Unicode (a lone surrogate such as \\ud800, or invalid UTF-8).");
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory, new JsonDocumentOptions { MaxDepth = 4096 });
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (property.NameEquals("arguments") && property.Value.ValueKind == JsonValueKind.Object
                && MalformedJson.FindInArgumentsObject(JsonMarshal.GetRawUtf8Value(property.Value)) is { } refusal)
            {
                return refusal;
            }
        }

        return MalformedJson.FindInRequestParams(buffer.WrittenSpan);
    }
}
