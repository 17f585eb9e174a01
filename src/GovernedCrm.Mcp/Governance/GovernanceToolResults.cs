namespace GovernedCrm.Mcp.Governance;

/// <summary>Builds tool results: structured content plus the same JSON as text for clients that only read text.</summary>
public static class GovernanceToolResults
{
    /// <summary>A successful result.</summary>
    /// <param name="structured">The structured content.</param>
    /// <returns>The result.</returns>
    public static CallToolResult Success(JsonObject structured) => Create(structured, isError: false);

    /// <summary>An error result with a stable code and a message that names the problem.</summary>
    /// <param name="code">The stable code.</param>
    /// <param name="message">The message.</param>
    /// <param name="outcome">The write outcome to report ("denied", "rejected", ...), when the error is a governance decision.</param>
    /// <param name="rule">The rule that decided, if any.</param>
    /// <returns>The result.</returns>
    public static CallToolResult Error(string code, string message, string? outcome = null, string? rule = null)
    {
        var error = new JsonObject { ["code"] = code, ["message"] = message };
        if (rule is not null)
        {
            error["rule"] = rule;
        }

        var structured = new JsonObject();
        if (outcome is not null)
        {
            structured["outcome"] = outcome;
        }

        structured["error"] = error;
        return new CallToolResult
        {
            IsError = true,
            Content = [new TextContentBlock { Text = $"{code}: {message}" }],
            StructuredContent = JsonSerializer.SerializeToElement(structured, GovernanceJson.Options),
        };
    }

    /// <summary>
    /// A call that did not run because it waits for approval: not an error (nothing failed), with the outcome
    /// <c>pending_approval</c>, the approval id, who must decide, and until when.
    /// </summary>
    /// <param name="pending">The queued proposal.</param>
    /// <param name="message">What happened and how it can be approved, in plain words.</param>
    /// <param name="rule">The rule that asked for approval.</param>
    /// <param name="executionId">The proposing call's execution id.</param>
    /// <returns>The result.</returns>
    public static CallToolResult PendingApproval(GovernedCrm.Governance.Approvals.ApprovalPending pending, string message, string? rule, string executionId)
    {
        ArgumentNullException.ThrowIfNull(pending);
        if (pending.Latest is { } latest && Decided(latest) is { } decided)
        {
            return decided;
        }

        var structured = new JsonObject
        {
            ["outcome"] = "pending_approval",
            ["approvalId"] = pending.ApprovalId,
            ["approver"] = pending.Route == GovernedCrm.Governance.Policy.ApprovalRoute.Role ? $"role:{pending.ApproverRole}" : "requester",
            ["reason"] = pending.Reason,
            ["rule"] = rule,
            ["expiresAt"] = pending.ExpiresAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["executionId"] = executionId,
            ["message"] = message,
        };
        return new CallToolResult
        {
            Content = [new TextContentBlock { Text = $"pending_approval {pending.ApprovalId}: {message}" }],
            StructuredContent = JsonSerializer.SerializeToElement(structured, GovernanceJson.Options),
        };
    }

    // A decision that came while the call waited: the call returns what happened.
    private static CallToolResult? Decided(GovernedCrm.Governance.Approvals.ApprovalRequest latest)
    {
        var result = latest.ResultJson is null ? null : JsonNode.Parse(latest.ResultJson) as JsonObject;
        switch (latest.Status)
        {
            case GovernedCrm.Governance.Approvals.ApprovalStatus.Executed:
                var executed = result ?? new JsonObject { ["outcome"] = "executed" };
                executed["approvalId"] = latest.Id;
                executed["decidedBy"] = latest.DecidedBy;
                return Success(executed);
            case GovernedCrm.Governance.Approvals.ApprovalStatus.Rejected:
                return Error("approval.rejected", $"{latest.DecidedBy} rejected proposal {latest.Id}: {latest.DecisionNote}. Nothing was changed.", "rejected", latest.Rule);
            case GovernedCrm.Governance.Approvals.ApprovalStatus.Expired:
                return Error("approval.expired", $"Proposal {latest.Id} expired before anyone decided. Nothing was changed.", "expired", latest.Rule);
            case GovernedCrm.Governance.Approvals.ApprovalStatus.Stale:
            case GovernedCrm.Governance.Approvals.ApprovalStatus.Failed:
                var code = result?["code"]?.GetValue<string>() ?? "approval.failed";
                var text = result?["message"]?.GetValue<string>() ?? "The approved proposal could not be executed.";
                return Error(code, $"Proposal {latest.Id} was approved by {latest.DecidedBy} but not executed: {text}", "failed", latest.Rule);
            default:
                return null;
        }
    }

    private static CallToolResult Create(JsonObject structured, bool isError) => new()
    {
        IsError = isError ? true : null,
        Content = [new TextContentBlock { Text = structured.ToJsonString(GovernanceJson.Options) }],
        StructuredContent = JsonSerializer.SerializeToElement(structured, GovernanceJson.Options),
    };
}
