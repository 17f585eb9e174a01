using GovernedCrm.Crm;
using GovernedCrm.Governance.Identity;
using GovernedCrm.Governance.Telemetry;
using GovernedCrm.Mcp.Identity;
using ModelContextProtocol;

namespace GovernedCrm.Mcp.Governance;

/// <summary>
/// The one call-tool filter every governed tool runs behind: it turns the MCP request into a
/// <see cref="GovernedCall"/>, runs the <see cref="GovernancePipeline"/>, and only then lets the tool run.
/// Refusals and CRM errors become tool errors with stable codes.
/// </summary>
internal static class GovernanceCallToolFilter
{
    /// <summary>The code returned when a tool has no governance metadata at call time (fail closed).</summary>
    public const string UnregisteredToolCode = "governance.unregistered_tool";

    public static McpRequestHandler<CallToolRequestParams, CallToolResult> Create(McpRequestHandler<CallToolRequestParams, CallToolResult> next) =>
        async (context, cancellationToken) =>
        {
            if (context.MatchedPrimitive is not McpServerTool tool || context.Services is not { } services)
            {
                // Unknown tools are answered by the SDK with a protocol error; nothing runs.
                return await next(context, cancellationToken).ConfigureAwait(false);
            }

            var name = tool.ProtocolTool.Name;
            if (await AuditReceivedFilter.KnownFailureAsync(context.Items).ConfigureAwait(false) is { } reason)
            {
                GovernanceMetrics.RefusedBeforePipeline(name, GovernedCrm.Governance.Steps.Audit.AuditStep.UnavailableCode);
                return Unrecorded(reason);
            }

            var catalog = services.GetRequiredService<GovernedToolCatalog>();
            var ungoverned = catalog.IsUngoverned(name);
            if (ungoverned || !catalog.TryGetGoverned(name, out var descriptor))
            {
                // No pipeline: the RECEIVED entry is the call's only entry, durable before the tool runs or the answer leaves.
                if (await AuditReceivedFilter.WaitDurableAsync(context.Items, cancellationToken).ConfigureAwait(false) is { } failure)
                {
                    return Unrecorded(failure);
                }

                if (ungoverned)
                {
                    return await next(context, cancellationToken).ConfigureAwait(false);
                }

                GovernanceMetrics.RefusedBeforePipeline(name, UnregisteredToolCode);
                return GovernanceToolResults.Error(UnregisteredToolCode, $"Tool '{name}' has no governance metadata, so it cannot run.", "denied");
            }

            // A call that claims to run an approval but names none this server sent (a forged ticket, a vanished
            // proposal) goes through the pipeline as the caller's own call and is refused there, audited as DENIED.
            var claimed = await ApprovedProposalAsync(services, context.Params?.Meta, cancellationToken).ConfigureAwait(false);
            var approved = claimed is { Proposal: not null } ? claimed : null;

            var resolver = services.GetRequiredService<CallerResolver>();
            IReadOnlyDictionary<string, JsonElement> requested = context.Params?.Arguments is { } arguments
                ? new Dictionary<string, JsonElement>(arguments, StringComparer.Ordinal)
                : new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            var call = new GovernedCall
            {
                Tool = descriptor,
                Arguments = requested,
                MalformedArguments = claimed is { Proposal: null }
                    ? new GovernanceRefusal(claimed.Code!, claimed.Message!)
                    : context.Items.TryGetValue(MalformedArgumentsFilter.Item, out var malformed) ? malformed as GovernanceRefusal : null,
                InputSchema = tool.ProtocolTool.InputSchema,

                // An approved proposal runs as its requester, in the proposing call's execution.
                Caller = approved?.Proposal is { } proposal ? resolver.ResolveRequester(proposal) : resolver.Resolve(context.User),
                Approval = approved?.Proposal,
                Origin = new CallOrigin(
                    context.Server.ClientInfo?.Name,
                    context.Server.ClientInfo?.Version,
                    context.Server.SessionId,
                    context.JsonRpcRequest.Id.ToString(),
                    CorrelationId(context.Params?.Meta)),
                ExecutionId = approved?.Proposal?.ExecutionId
                    ?? (context.Items.TryGetValue(AuditReceivedFilter.ExecutionIdItem, out var id) && id is string received
                        ? received
                        : Guid.CreateVersion7(services.GetRequiredService<TimeProvider>().GetUtcNow()).ToString("N")),
                ReceivedAt = services.GetRequiredService<TimeProvider>().GetUtcNow(),
                Confirmation = approved is not null ? null
                    : !IsMultiRoundTrip(context)
                    ? ElicitationConfirmation.For(context.Server)
                    : context.Server.ClientCapabilities?.Elicitation is not null
                        ? new MrtrConfirmation(context.Params!, services.GetRequiredService<RequestStateSigner>())
                        : null,
            };

            if (AuditReceivedFilter.Received(context.Items) is { } receivedEntry)
            {
                // The pipeline waits for it with the call's other entries: before a write runs, and before the answer.
                call.AuditEntries.Add(receivedEntry);
            }

            var accessor = services.GetRequiredService<GovernedCallAccessor>();
            var pipeline = services.GetRequiredService<GovernancePipeline>();
            var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("GovernedCrm.Governance");

            // The call's span, under the client's trace context (_meta.traceparent) when it sent a valid one.
            using var span = CallTracing.StartCall(call, TraceContextMeta.Read(context.Params?.Meta));
            GovernanceOutcome<GovernedToolResult> outcome;
            try
            {
                outcome = await pipeline.ExecuteAsync(
                call,
                async (governed, ct) =>
                {
                    accessor.Current = governed;

                    // The SDK binds the tool's parameters from the request, so a replacement of the arguments by a step
                    // (the requester's edited confirmation: GovernedCall.Arguments is then a new dictionary) can only
                    // reach the tool through the request. Otherwise the request already holds exactly these arguments
                    // and is left alone: the SDK binds them once, as for an ungoverned tool.
                    if (!ReferenceEquals(governed.Arguments, requested))
                    {
                        context.Params!.Arguments = new Dictionary<string, JsonElement>(governed.Arguments, StringComparer.Ordinal);
                    }

                    if (governed.Approval is not null && SessionBoundParameter(services, name) is { } parameter)
                    {
                        return new GovernedToolResult(GovernanceToolResults.Error(ToolRunCodes.NotExecutable,
                            $"{name} cannot run after approval: its parameter '{parameter.Name}' ({parameter.ParameterType.Name}) needs a live MCP session. Call it again once your policy allows it."));
                    }

                    try
                    {
                        return new GovernedToolResult(await next(context, ct).ConfigureAwait(false));
                    }
                    catch (CrmException ex)
                    {
                        // CRM errors are answers, not crashes: the audit step records them as FAILED with their code.
                        return new GovernedToolResult(GovernanceToolResults.Error(ex.Code, ex.Message));
                    }
                    catch (GovernedCrm.Crm.Remote.CrmNotConnectedException ex)
                    {
                        // The grant turned out revoked during the call: nothing ran at the CRM; the caller must connect again.
                        return new GovernedToolResult(ConnectAnswer.Error(
                            await RecheckConnectionAsync(services, call, ct).ConfigureAwait(false)
                            ?? new GovernedCrm.Governance.Steps.Credentials.ConnectionRequirement(ex.Provider)));
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException and not McpException)
                    {
                        // The tool's own failure: its type says what kind; its message and stack may hold anything, so neither leaves.
                        return new GovernedToolResult(GovernanceToolResults.Error(ToolRunCodes.ToolFailed,
                            $"{name} failed with {ex.GetType().Name}; what it changed before failing, if anything, is the tool's to say."));
                    }
                },
                cancellationToken).ConfigureAwait(false);
            }
            catch (GovernedCrm.Governance.Steps.Approval.ConfirmationDeferredException ex) when (ex.Payload is InputRequiredResult input)
            {
                // Protocol 2026-07-28: the question goes back as "input required"; the client calls again with the answer.
                throw new InputRequiredException(input);
            }
            catch (GovernedCallException ex) when (ex.Code == GovernedCrm.Governance.Steps.Credentials.ConnectionRequirement.Code)
            {
                logger.LogInformation("{User} must reconnect their CRM account for {Tool} ({ExecutionId})", call.Caller.UserId, name, call.ExecutionId);
                return await RecheckConnectionAsync(services, call, cancellationToken).ConfigureAwait(false) is { } requirement
                    ? ConnectAnswer.Respond(context, requirement, IsMultiRoundTrip(context))
                    : GovernanceToolResults.Error(ex.Code, ex.Message);
            }
            catch (GovernedCallException ex)
            {
                // Raised before the tool ran (reading the record for the write-ahead entry); the audit step recorded it.
                logger.LogInformation("CRM error in {Tool} for {User} ({ExecutionId}): {Code}", name, call.Caller.UserId, call.ExecutionId, ex.Code);
                return GovernanceToolResults.Error(ex.Code, ex.Message);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not InputRequiredException)
            {
                // Last line of defence: the audit step recorded FAILED governance.internal_error; the client gets no exception text.
                logger.LogError(ex, "Unexpected exception in {Tool} for {User} ({ExecutionId})", name, call.Caller.UserId, call.ExecutionId);
                return GovernanceToolResults.Error(GovernedCrm.Governance.Steps.Audit.AuditStep.InternalErrorCode, GovernedCrm.Governance.Steps.Audit.AuditStep.InternalErrorMessage);
            }

            // Redaction is the caller's: the fields they may not read on the call's object type, whether the call
            // was allowed or ran after an approval (a requester's confirmation, a decision that came while it waited).
            var hidden = FieldRedaction.Of(call.Decision);
            if (outcome.Refusal is { Pending: { } pending } waiting)
            {
                logger.LogInformation("Queued {Tool} for {User} ({ExecutionId}) as {ApprovalId}", name, call.Caller.UserId, call.ExecutionId, pending.ApprovalId);
                return ToolResultRedaction.Apply(GovernanceToolResults.PendingApproval(pending, waiting.Message, waiting.Rule, call.ExecutionId), hidden);
            }

            if (outcome.Refusal is { Connection: { } connection })
            {
                logger.LogInformation("{User} must connect their {Provider} account for {Tool} ({ExecutionId})", call.Caller.UserId, connection.Provider, name, call.ExecutionId);
                return ConnectAnswer.Respond(context, connection, IsMultiRoundTrip(context));
            }

            if (outcome.Refusal is { } refusal)
            {
                logger.LogInformation("Refused {Tool} for {User} ({ExecutionId}): {Code}", name, call.Caller.UserId, call.ExecutionId, refusal.Code);
                return GovernanceToolResults.Error(refusal.Code, refusal.Message, descriptor.IsWrite ? "denied" : null, refusal.Rule);
            }

            return ToolResultRedaction.Apply(outcome.Result!.Result, hidden);
        };

    private static CallToolResult Unrecorded(string reason) => GovernanceToolResults.Error(
        GovernedCrm.Governance.Steps.Audit.AuditStep.UnavailableCode, $"{reason} The call was not carried out: nothing runs without its audit entry.");

    // A call this process sent itself to run an approved proposal carries a ticket naming it; the proposal is read
    // from the queue here and checked against the audit chain by the approval step. Null: a live call.
    private static async Task<ApprovedProposal?> ApprovedProposalAsync(IServiceProvider services, JsonObject? meta, CancellationToken cancellationToken)
    {
        if (meta?[ApprovedCallTicket.MetaKey] is null)
        {
            return null;
        }

        if (!services.GetRequiredService<ApprovedCallTicket>().TryRead(meta, out var approvalId))
        {
            return new ApprovedProposal(null, ApprovedCallTicket.ForgedCode, "The call names an approval this server did not send, so nothing ran.");
        }

        return services.GetService<GovernedCrm.Governance.Approvals.IApprovalStore>() is { } store
            && await store.GetAsync(approvalId, cancellationToken).ConfigureAwait(false) is { } proposal
            ? new ApprovedProposal(proposal, null, null)
            : new ApprovedProposal(null, GovernedCrm.Governance.Approvals.ApprovalCodes.NotFound, $"There is no approval '{approvalId}' to run.");
    }

    private static System.Reflection.ParameterInfo? SessionBoundParameter(IServiceProvider services, string tool) =>
        services.GetRequiredService<GovernedToolMethods>().TryGet(tool, out var method) ? LiveSessionParameters.Find(method) : null;

    private sealed record ApprovedProposal(GovernedCrm.Governance.Approvals.ApprovalRequest? Proposal, string? Code, string? Message);

    private static async Task<GovernedCrm.Governance.Steps.Credentials.ConnectionRequirement?> RecheckConnectionAsync(
        IServiceProvider services, GovernedCall call, CancellationToken cancellationToken) =>
        services.GetService<GovernedCrm.Governance.Steps.Credentials.ICrmConnectionCheck>() is { } check
            ? await check.CheckAsync(call.Caller, cancellationToken).ConfigureAwait(false)
            : null;

    // Protocol 2026-07-28 and later carry the version on each request; such clients answer questions by calling again.
    private static bool IsMultiRoundTrip(RequestContext<CallToolRequestParams> context) =>
        string.CompareOrdinal(context.JsonRpcRequest.Context?.ProtocolVersion ?? context.Server.NegotiatedProtocolVersion, "2026-07-28") >= 0;

    private static string? CorrelationId(JsonObject? meta)
    {
        foreach (var key in (ReadOnlySpan<string>)["correlationId", "traceparent", "traceId"])
        {
            if (meta?[key] is JsonValue value && value.TryGetValue(out string? text) && !string.IsNullOrWhiteSpace(text))
            {
                return text.Length <= 128 ? text : text[..128];
            }
        }

        return null;
    }
}
