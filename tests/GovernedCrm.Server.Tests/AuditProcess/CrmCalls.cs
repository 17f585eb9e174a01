using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace GovernedCrm.Server.Tests.AuditProcess;

/// <summary>A tool call whose result reached the client.</summary>
/// <param name="CorrelationId">The unique <c>_meta.correlationId</c> the call was sent with.</param>
/// <param name="Tool">The tool name.</param>
/// <param name="ExecutionId">The execution id in the result (successful writes only).</param>
/// <param name="IsError">Whether the result is a tool error.</param>
/// <param name="Text">The result's text, kept for failure messages when it is an error.</param>
internal sealed record DeliveredCall(string CorrelationId, string Tool, string? ExecutionId, bool IsError, string? Text);

/// <summary>The two CRM calls the audit process tests make, each with a unique correlation id in its request metadata.</summary>
internal static class CrmCalls
{
    public const string GetRecord = "CRM.GetRecord";
    public const string UpdateRecord = "CRM.UpdateRecord";

    /// <summary>The seeded deals the tests read and write (3001-3040).</summary>
    public static string Deal(int index) => (3001 + (index % 40)).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static Task<DeliveredCall> GetDealAsync(McpClient client, string correlationId, string dealId, CancellationToken cancellationToken) =>
        CallAsync(client, GetRecord, correlationId, new Dictionary<string, JsonElement>
        {
            ["objectType"] = JsonSerializer.SerializeToElement("deal"),
            ["recordId"] = JsonSerializer.SerializeToElement(dealId),
        }, cancellationToken);

    public static Task<DeliveredCall> UpdateDealAsync(McpClient client, string correlationId, string dealId, int amount, CancellationToken cancellationToken) =>
        CallAsync(client, UpdateRecord, correlationId, new Dictionary<string, JsonElement>
        {
            ["objectType"] = JsonSerializer.SerializeToElement("deal"),
            ["recordId"] = JsonSerializer.SerializeToElement(dealId),
            ["properties"] = JsonSerializer.SerializeToElement(new Dictionary<string, int> { ["amount"] = amount }),
            ["reason"] = JsonSerializer.SerializeToElement("audit process test"),
        }, cancellationToken);

    private static async Task<DeliveredCall> CallAsync(
        McpClient client, string tool, string correlationId, Dictionary<string, JsonElement> arguments, CancellationToken cancellationToken)
    {
        var result = await client.CallToolAsync(
            new CallToolRequestParams { Name = tool, Arguments = arguments, Meta = new JsonObject { ["correlationId"] = correlationId } },
            cancellationToken);
        var isError = result.IsError ?? false;
        string? executionId = null;
        if (!isError && result.StructuredContent is { ValueKind: JsonValueKind.Object } content
            && content.TryGetProperty("executionId", out var id) && id.ValueKind == JsonValueKind.String)
        {
            executionId = id.GetString();
        }

        var text = isError ? string.Concat(result.Content.OfType<TextContentBlock>().Select(c => c.Text)) : null;
        return new DeliveredCall(correlationId, tool, executionId, isError, text);
    }
}
