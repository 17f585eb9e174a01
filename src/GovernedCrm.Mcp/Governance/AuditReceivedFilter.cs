using GovernedCrm.Audit.Records;
using GovernedCrm.Mcp.Identity;
using Microsoft.Extensions.Logging;

namespace GovernedCrm.Mcp.Governance;

/// <summary>
/// An incoming message filter that records a RECEIVED entry for every tools/call request before anything else
/// handles it, so unknown tools, malformed calls and calls refused before the call-tool filter are in the trail
/// too. It gives the call its execution id, which every later entry of the call reuses.
/// </summary>
internal static partial class AuditReceivedFilter
{
    public const string ExecutionIdItem = "governedcrm.executionId";

    /// <summary>Set when the RECEIVED entry could not be written: the call-tool filter then refuses the call.</summary>
    public const string UnrecordedItem = "governedcrm.receivedUnrecorded";

    public static McpMessageHandler Create(McpMessageHandler next) => async (context, cancellationToken) =>
    {
        if (context.JsonRpcMessage is JsonRpcRequest { Method: RequestMethods.ToolsCall } request && context.Services is { } services
            && services.GetService<IAuditTrail>() is { } trail && !IsApprovedRun(request, services))
        {
            var time = services.GetRequiredService<TimeProvider>();
            var executionId = Guid.CreateVersion7(time.GetUtcNow()).ToString("N");
            context.Items[ExecutionIdItem] = executionId;
            var caller = services.GetRequiredService<CallerResolver>().Resolve(context.User);
            var record = new AuditRecord
            {
                Tenant = caller.Tenant,
                Event = AuditEventType.Received,
                Action = AuditActionType.Read,
                Actor = caller.UserId,
                OnBehalfOf = AuditRecords.OnBehalfOf(context.Server.ClientInfo?.Name, context.Server.ClientInfo?.Version),
                SessionId = context.Server.SessionId,
                RequestId = request.Id.ToString(),
                ExecutionId = executionId,
                Tool = ToolName(request.Params),
                Outcome = "received",
            };

            try
            {
                await trail.AppendAsync(record, cancellationToken).ConfigureAwait(false);
            }
            catch (AuditUnavailableException ex)
            {
                // A call whose arrival is not on record must not run: the call-tool filter refuses it.
                context.Items[UnrecordedItem] = ex.Message;
                LogReceivedFailed(services.GetRequiredService<ILoggerFactory>().CreateLogger("GovernedCrm.Audit"), executionId, ex.Message);
            }
        }

        await next(context, cancellationToken).ConfigureAwait(false);
    };

    // The server's own run of an approved proposal: its call was received when it was proposed (same execution id);
    // its entries follow the decision's. A forged ticket is recorded like any other call (and refused).
    private static bool IsApprovedRun(JsonRpcRequest request, IServiceProvider services) =>
        request.Params?["_meta"] is System.Text.Json.Nodes.JsonObject meta
        && services.GetService<ApprovedCallTicket>() is { } tickets
        && tickets.TryRead(meta, out _);

    private static string ToolName(System.Text.Json.Nodes.JsonNode? parameters) =>
        ToolCallParams.TryReadName(parameters) ?? "(malformed)";

    [LoggerMessage(Level = LogLevel.Critical, Message = "Audit RECEIVED entry for {ExecutionId} could not be written: {Reason}")]
    private static partial void LogReceivedFailed(ILogger logger, string executionId, string reason);
}
