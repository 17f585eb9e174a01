using ModelContextProtocol;

namespace GovernedCrm.Mcp.Governance;

/// <summary>
/// Runs an approved proposal, once, by sending its stored call back through the server's own MCP session
/// (<see cref="LoopbackSession"/>) with a ticket that names the proposal: the SDK binds the tool, and the call
/// passes every filter and governance step a live call passes, as its requester. The approval step checks the
/// proposal against the audit chain, the policy decides again on the record as it is now, the write-ahead entry
/// precedes the tool, and the audit step records the outcome. This class only claims the proposal (approved to
/// executing: of several dispatchers exactly one wins) and records how the run ended in the queue.
/// </summary>
/// <param name="approvals">The approval service.</param>
/// <param name="session">The server's session with itself.</param>
/// <param name="tickets">Marks the call as this approval's execution.</param>
/// <param name="catalog">Which result fields of a tool are [Sensitive] (never kept in the queue).</param>
/// <param name="logger">Logs tamper findings.</param>
public sealed partial class ApprovedProposalDispatcher(
    ApprovalService approvals, LoopbackSession session, ApprovedCallTicket tickets, GovernedToolCatalog catalog, ILogger<ApprovedProposalDispatcher> logger)
{
    /// <summary>Runs the proposal if it is approved and nobody else has claimed it.</summary>
    /// <param name="id">The approval id.</param>
    /// <param name="cancellationToken">Cancels the claim; once claimed, the run is not cancelled.</param>
    /// <returns>The proposal as it ends up (Executed, Failed or Stale), or null when it was not this dispatcher's to run.</returns>
    public async Task<ApprovalRequest?> ExecuteAsync(string id, CancellationToken cancellationToken)
    {
        if (await approvals.TryClaimForExecutionAsync(id, cancellationToken).ConfigureAwait(false) is not { } claimed)
        {
            return null;
        }

        CallToolResult answer;
        try
        {
            answer = await session.CallToolAsync(
                new CallToolRequestParams
                {
                    Name = claimed.Tool,
                    Arguments = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(claimed.EffectiveArgumentsJson),
                    Meta = tickets.Issue(claimed.Id),
                },
                CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is McpException or JsonException or IOException or InvalidOperationException)
        {
            // The call got no answer from the pipeline (no such tool any more, unreadable arguments, the session is
            // closing): the proposal ends as failed rather than executing forever; whether the tool ran is in the chain.
            answer = GovernanceToolResults.Error(ToolRunCodes.NotExecutable, $"{claimed.Tool} got no answer through the governance pipeline ({ex.GetType().Name}); the audit trail shows whether it ran.");
        }

        var (status, result) = Outcome(answer, claimed);
        await approvals.CompleteAsync(claimed, status, result.ToJsonString(), CancellationToken.None).ConfigureAwait(false);
        return claimed with { Status = status, ResultJson = result.ToJsonString() };
    }

    private (ApprovalStatus Status, JsonObject Result) Outcome(CallToolResult answer, ApprovalRequest claimed)
    {
        var structured = answer.StructuredContent is { ValueKind: JsonValueKind.Object } content ? JsonNode.Parse(content.GetRawText())!.AsObject() : null;
        if (answer.IsError == true)
        {
            var error = structured?["error"] as JsonObject ?? new JsonObject { ["code"] = ToolRunCodes.ToolFailed, ["message"] = "The tool failed." };
            var code = error["code"]?.GetValue<string>();
            if (code == ApprovalCodes.EvidenceMismatch)
            {
                LogTamper(logger, claimed.Id, claimed.Tenant, error["message"]?.GetValue<string>() ?? "");
            }

            var stale = code is ApprovalCodes.Stale or GovernedCrm.Crm.CrmErrorCodes.Conflict;
            return (stale ? ApprovalStatus.Stale : ApprovalStatus.Failed, error.DeepClone().AsObject());
        }

        // A CRM write answers its outcome; any other tool's answer is kept under "result", its [Sensitive] fields redacted.
        if (structured?["outcome"] is not null)
        {
            return (ApprovalStatus.Executed, structured);
        }

        var sensitive = catalog.TryGetGoverned(claimed.Tool, out var tool) ? tool.SensitiveResultFields : null;
        var text = string.Concat(answer.Content.OfType<TextContentBlock>().Select(t => t.Text));
        return (ApprovalStatus.Executed, new JsonObject
        {
            ["outcome"] = "executed",
            ["executionId"] = claimed.ExecutionId,
            ["result"] = AuditRedaction.Redact(structured ?? ParseOrText(text), sensitive),
        });
    }

    private static JsonNode? ParseOrText(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Tamper finding: approval {ApprovalId} of tenant {Tenant} does not match the audit chain and did not run: {Reason}")]
    private static partial void LogTamper(ILogger logger, string approvalId, string tenant, string reason);
}
