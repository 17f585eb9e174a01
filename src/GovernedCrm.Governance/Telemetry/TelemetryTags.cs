namespace GovernedCrm.Governance.Telemetry;

/// <summary>
/// The attribute names on governed calls' spans and measurements (docs/opentelemetry.md lists them). The MCP ones
/// follow OpenTelemetry's semantic conventions for MCP; the <c>governedcrm.</c> ones are this server's.
/// </summary>
public static class TelemetryTags
{
    /// <summary>The MCP method, <c>tools/call</c>.</summary>
    public const string McpMethod = "mcp.method.name";

    /// <summary>The MCP session id, when the transport has one.</summary>
    public const string McpSession = "mcp.session.id";

    /// <summary>The JSON-RPC request id.</summary>
    public const string RequestId = "jsonrpc.request.id";

    /// <summary>The tool's name.</summary>
    public const string Tool = "gen_ai.tool.name";

    /// <summary>The id every audit entry of the call carries.</summary>
    public const string ExecutionId = "governedcrm.execution_id";

    /// <summary>The caller's tenant (the audit chain the call's entries go to).</summary>
    public const string Tenant = "governedcrm.tenant";

    /// <summary>The caller's user id, as the audit entries name it.</summary>
    public const string Actor = "governedcrm.actor";

    /// <summary>The pipeline step a span is for.</summary>
    public const string Step = "governedcrm.step";

    /// <summary>What the step did: <c>passed</c> (handed the call on), <c>refused</c> or <c>failed</c> (threw).</summary>
    public const string StepResult = "governedcrm.step.result";

    /// <summary>
    /// How the call ended: <c>executed</c>, <c>failed</c> (the tool reported an error), <c>denied</c>,
    /// <c>pending_approval</c>, <c>connection_required</c>, <c>input_required</c>, <c>cancelled</c> or <c>error</c>.
    /// </summary>
    public const string Outcome = "governedcrm.outcome";

    /// <summary>The stable code of a refusal or an error (e.g. <c>policy.denied</c>).</summary>
    public const string Code = "governedcrm.code";

    /// <summary>The policy rule that refused the call, when one did.</summary>
    public const string Rule = "governedcrm.policy.rule";

    /// <summary>The exception type of a step that threw (never its message).</summary>
    public const string ErrorType = "error.type";

    /// <summary>Whether an audit append was acknowledged: <c>ok</c> or <c>unavailable</c>.</summary>
    public const string AuditResult = "governedcrm.audit.result";

    /// <summary>Whether a verification found the chain intact (<c>true</c>/<c>false</c>).</summary>
    public const string VerifyValid = "governedcrm.verify.valid";
}
