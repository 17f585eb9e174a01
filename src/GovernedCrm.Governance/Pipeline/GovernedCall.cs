using GovernedCrm.Governance.Tools;

namespace GovernedCrm.Governance.Pipeline;

/// <summary>One tool call as the governance pipeline sees it: no transport types, only data.</summary>
public sealed class GovernedCall
{
    /// <summary>The tool's governance metadata.</summary>
    public required GovernedToolDescriptor Tool { get; init; }

    /// <summary>
    /// The call's arguments. A step may replace them (an approver's edit); the tool then runs with the replacement.
    /// </summary>
    public required IReadOnlyDictionary<string, JsonElement> Arguments { get; set; }

    /// <summary>
    /// Set by the transport when it could not hand the arguments over faithfully (a repeated name, text that is not
    /// valid Unicode: see <see cref="Steps.Validation.MalformedJson"/>); <see cref="Arguments"/> are then empty and the
    /// validation step refuses the call with this refusal.
    /// </summary>
    public GovernanceRefusal? MalformedArguments { get; init; }

    /// <summary>
    /// True once the write-ahead step has recorded the PROPOSED entry: from then on the tool may run, so an ending
    /// the call did not choose (the client cancelled) may have left the CRM changed.
    /// </summary>
    public bool WriteAheadRecorded { get; set; }

    /// <summary>
    /// The call's audit entries handed to the trail so far (the transport adds its RECEIVED entry before the
    /// pipeline runs). The write-ahead step waits for them before a write runs; the audit step before any answer.
    /// </summary>
    public CallAuditEntries AuditEntries { get; } = new();

    /// <summary>The tool's input schema (JSON Schema), used by the validation step.</summary>
    public JsonElement? InputSchema { get; init; }

    /// <summary>Who is calling.</summary>
    public required CallerIdentity Caller { get; init; }

    /// <summary>Which client, session and request the call came from.</summary>
    public CallOrigin Origin { get; init; } = CallOrigin.Unknown;

    /// <summary>An id that links every audit entry and log line of this call.</summary>
    public required string ExecutionId { get; init; }

    /// <summary>When the server received the call (from the server's TimeProvider).</summary>
    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>
    /// The targeted record as it is now (tenant and values), once a step has read it before the policy decides;
    /// null when the tool names no record, the record does not exist, or nothing read it.
    /// </summary>
    public CurrentRecord? Current { get; set; }

    /// <summary>
    /// Asks the requester to confirm a change in their own session, when the host can (an MCP client that
    /// declared elicitation); null otherwise, and confirmations go to the approval queue.
    /// </summary>
    public Steps.Approval.IRequesterConfirmation? Confirmation { get; init; }

    /// <summary>The policy's decision, once the policy step has run.</summary>
    public Policy.PolicyDecision? Decision { get; set; }

    /// <summary>
    /// The approved proposal this call executes, as the approval queue holds it (claimed for execution); null for a
    /// live call. The queue is not trusted: the approval step checks it against the decision entry in the audit
    /// chain before anything runs.
    /// </summary>
    public Approvals.ApprovalRequest? Approval { get; init; }

    /// <summary>
    /// The record version the tool must write against (optimistic concurrency), set by the approval step for an
    /// approved call: the version the approver saw. Null: no condition.
    /// </summary>
    public long? ExpectedRecordVersion { get; set; }

    /// <summary>The object type the call acts on: fixed by the tool or named by an argument.</summary>
    public string? ObjectType =>
        Tool.ObjectType ?? StringArgument(Tool.ObjectTypeArgument);

    /// <summary>The record the call targets, when the tool names one.</summary>
    public string? RecordId => StringArgument(Tool.RecordIdArgument);

    private string? StringArgument(string? name) =>
        name is not null && Arguments.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String
            ? Steps.Validation.JsonText.StringOrNull(value)
            : null;
}
