using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;

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

    private static CallToolResult Create(JsonObject structured, bool isError) => new()
    {
        IsError = isError ? true : null,
        Content = [new TextContentBlock { Text = structured.ToJsonString(GovernanceJson.Options) }],
        StructuredContent = JsonSerializer.SerializeToElement(structured, GovernanceJson.Options),
    };
}
