using System.Security.Claims;
using System.Text;
using System.Text.Json.Nodes;
using GovernedCrm.Audit.Records;
using GovernedCrm.Governance.Audit;

namespace GovernedCrm.Hosting.Batches;

/// <summary>
/// The answer to a JSON-RPC batch (an array of messages), which MCP removed in protocol version 2025-06-18 and the
/// SDK drops without a word on stdio: one JSON-RPC error, -32600 Invalid Request with id null, and a DENIED audit
/// entry. Nothing in the batch runs. Used by <see cref="BatchRefusalMiddleware"/> (HTTP) and
/// <see cref="BatchRefusingInput"/> (stdio).
/// </summary>
internal static partial class JsonRpcBatchRefusal
{
    /// <summary>The stable code, in the error's data and in the audit entry.</summary>
    public const string Code = "protocol.batch_unsupported";

    /// <summary>JSON-RPC's Invalid Request.</summary>
    public const int InvalidRequest = -32600;

    /// <summary>What the client is told.</summary>
    public const string Message =
        "Invalid Request: JSON-RPC batches are not supported (MCP removed batching in protocol version 2025-06-18). Send each request as its own message; nothing in the batch was run.";

    /// <summary>The JSON-RPC error message, UTF-8, without a line end.</summary>
    public static readonly byte[] Response = Encoding.UTF8.GetBytes(new JsonObject
    {
        ["jsonrpc"] = "2.0",
        ["id"] = null,
        ["error"] = new JsonObject { ["code"] = InvalidRequest, ["message"] = Message, ["data"] = new JsonObject { ["code"] = Code } },
    }.ToJsonString());

    /// <summary>JSON's insignificant whitespace.</summary>
    /// <param name="b">A byte of the message.</param>
    /// <returns>Whether it is whitespace.</returns>
    public static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    /// <summary>Writes the DENIED entry for a refused batch. A trail that cannot be written is logged; the batch is refused anyway.</summary>
    /// <param name="services">The server's services.</param>
    /// <param name="user">The transport's authenticated principal, if any.</param>
    /// <param name="sessionId">The MCP session, if known.</param>
    /// <param name="transport">"http" or "stdio".</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task.</returns>
    public static async Task RecordAsync(IServiceProvider services, ClaimsPrincipal? user, string? sessionId, string transport, CancellationToken cancellationToken)
    {
        var caller = services.GetRequiredService<CallerResolver>().Resolve(user);
        var time = services.GetRequiredService<TimeProvider>();
        var record = new AuditRecord
        {
            Tenant = caller.Tenant,
            Event = AuditEventType.Denied,
            Action = AuditActionType.Deny,
            Actor = caller.UserId,
            SessionId = sessionId,
            ExecutionId = Guid.CreateVersion7(time.GetUtcNow()).ToString("N"),
            Outcome = "denied:" + Code,
            Result = new JsonObject { ["code"] = Code, ["message"] = Message, ["transport"] = transport }.ToJsonString(),
        };

        try
        {
            await services.GetRequiredService<IAuditTrail>().AppendAsync(record, cancellationToken).ConfigureAwait(false);
        }
        catch (AuditUnavailableException ex)
        {
            LogUnrecorded(services.GetRequiredService<ILoggerFactory>().CreateLogger("GovernedCrm.Audit"), transport, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Audit entry for a refused JSON-RPC batch ({Transport}) could not be written: {Reason}")]
    private static partial void LogUnrecorded(ILogger logger, string transport, string reason);
}
