using GovernedCrm.Audit.Records;
using GovernedCrm.Mcp.Identity;
using Microsoft.Extensions.Logging;

namespace GovernedCrm.Mcp.Governance;

/// <summary>
/// An incoming message filter that records a RECEIVED entry for every tools/call request before anything else
/// handles it, so unknown tools, malformed calls and calls refused before the call-tool filter are in the trail
/// too. It gives the call its execution id, which every later entry of the call reuses. The entry is handed to the
/// trail without waiting (<see cref="ReceivedItem"/>): the call-tool filter and the governance pipeline wait for it
/// before anything runs or answers; an answer the SDK sends itself (an error thrown before or by the tool, sent
/// after this filter returns) waits here.
/// </summary>
internal static partial class AuditReceivedFilter
{
    public const string ExecutionIdItem = "governedcrm.executionId";

    /// <summary>Set when the RECEIVED entry could not be handed over: the call-tool filter then refuses the call.</summary>
    public const string UnrecordedItem = "governedcrm.receivedUnrecorded";

    /// <summary>The RECEIVED entry's <see cref="AuditAppend"/>, handed over but not yet waited for.</summary>
    public const string ReceivedItem = "governedcrm.received";

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

            AuditAppend received;
            try
            {
                received = await trail.EnqueueAsync(record, cancellationToken).ConfigureAwait(false);
            }
            catch (AuditUnavailableException ex)
            {
                // A call whose arrival is not on record must not run: the call-tool filter refuses it.
                received = AuditAppend.Failed(ex);
                context.Items[UnrecordedItem] = ex.Message;
            }

            context.Items[ReceivedItem] = received;
            try
            {
                await next(context, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                // Not cancellable: the SDK sends its error answer (or nothing, if the client cancelled) only after this.
                try
                {
                    await received.WaitDurableAsync(CancellationToken.None).ConfigureAwait(false);
                }
                catch (AuditUnavailableException ex)
                {
                    LogReceivedFailed(services.GetRequiredService<ILoggerFactory>().CreateLogger("GovernedCrm.Audit"), executionId, ex.Message);
                }
            }

            return;
        }

        await next(context, cancellationToken).ConfigureAwait(false);
    };

    /// <summary>
    /// Why the call's RECEIVED entry is known not to be written (it could not be handed over, or has failed
    /// already), or null: nothing of the call may run then.
    /// </summary>
    /// <param name="items">The message context's items.</param>
    /// <returns>The reason, or null.</returns>
    public static async ValueTask<string?> KnownFailureAsync(IDictionary<string, object?> items)
    {
        if (items.TryGetValue(UnrecordedItem, out var unrecorded) && unrecorded is string reason)
        {
            return reason;
        }

        return Received(items) is { IsCompleted: true } done ? await FailureAsync(done, CancellationToken.None).ConfigureAwait(false) : null;
    }

    /// <summary>Waits for the call's RECEIVED entry to be durable.</summary>
    /// <param name="items">The message context's items.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Null once it is durable (or there is none: an approved run); else why it is not.</returns>
    public static ValueTask<string?> WaitDurableAsync(IDictionary<string, object?> items, CancellationToken cancellationToken) =>
        Received(items) is { } received ? FailureAsync(received, cancellationToken) : ValueTask.FromResult<string?>(null);

    /// <summary>The call's RECEIVED entry, or null (an approved run, or no audit trail).</summary>
    /// <param name="items">The message context's items.</param>
    /// <returns>The handle.</returns>
    public static AuditAppend? Received(IDictionary<string, object?> items) =>
        items.TryGetValue(ReceivedItem, out var received) ? received as AuditAppend : null;

    private static async ValueTask<string?> FailureAsync(AuditAppend received, CancellationToken cancellationToken)
    {
        try
        {
            await received.WaitDurableAsync(cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (AuditUnavailableException ex)
        {
            return ex.Message;
        }
    }

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
