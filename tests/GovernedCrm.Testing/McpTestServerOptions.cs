using GovernedCrm.Governance.Audit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace GovernedCrm.Testing;

/// <summary>How <see cref="McpTestServer"/> starts; every setting has a default a unit test can live with.</summary>
public sealed class McpTestServerOptions
{
    /// <summary>The data folder (CRM and audit files); default a new temporary folder, removed on dispose. A folder given here is left in place.</summary>
    public string? DataFolder { get; init; }

    /// <summary>The server's clock; default a <see cref="Microsoft.Extensions.Time.Testing.FakeTimeProvider"/> at 2026-11-23 10:00 UTC.</summary>
    public TimeProvider? Time { get; init; }

    /// <summary>
    /// The audit trail the pipeline writes to; default the real audit writer on the data folder (short busy timeouts),
    /// whose chain also serves as the approval evidence. A trail given here is the caller's to dispose.
    /// </summary>
    public IAuditTrail? AuditTrail { get; init; }

    /// <summary>Tools and other MCP server settings; default the CRM tools (<c>WithCrmTools()</c>).</summary>
    public Action<IMcpServerBuilder>? Tools { get; init; }

    /// <summary>Services added after the kit's own (CRM, audit, governance), so they can replace them.</summary>
    public Action<IServiceCollection>? Services { get; init; }

    /// <summary>The MCP server's options (its name, for one).</summary>
    public Action<McpServerOptions>? ServerOptions { get; init; }

    /// <summary>The host's logging; default nothing is logged.</summary>
    public Action<ILoggingBuilder>? Logging { get; init; }

    /// <summary>The client's name and version; default <c>governedcrm-tests 1.0</c>.</summary>
    public Implementation? ClientInfo { get; init; }

    /// <summary>The client's handlers (elicitation, sampling, notifications).</summary>
    public McpClientHandlers? ClientHandlers { get; init; }

    /// <summary>The protocol version the client asks for; default the SDK's latest.</summary>
    public string? ProtocolVersion { get; init; }

    /// <summary>The capabilities the client declares.</summary>
    public ClientCapabilities? Capabilities { get; init; }
}
