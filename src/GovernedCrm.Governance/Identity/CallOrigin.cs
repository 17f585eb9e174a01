namespace GovernedCrm.Governance.Identity;

/// <summary>Where a call came from: the agent acting for the caller, and the ids that tie it to its session.</summary>
/// <param name="ClientName">The MCP client's name (on-behalf-of agent), when it said.</param>
/// <param name="ClientVersion">The MCP client's version, when it said.</param>
/// <param name="SessionId">The MCP session id, when the transport has one.</param>
/// <param name="RequestId">The JSON-RPC request id.</param>
/// <param name="CorrelationId">A correlation or trace id the client passed in its request metadata, if any.</param>
public sealed record CallOrigin(
    string? ClientName,
    string? ClientVersion,
    string? SessionId,
    string? RequestId,
    string? CorrelationId)
{
    /// <summary>An origin with nothing known, for calls made outside MCP (tests, the CLI).</summary>
    public static CallOrigin Unknown { get; } = new(null, null, null, null, null);
}
