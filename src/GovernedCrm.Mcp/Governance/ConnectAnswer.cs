using GovernedCrm.Governance.Credentials;
using ModelContextProtocol;
using GovernedCrm.Governance.Steps.Credentials;

namespace GovernedCrm.Mcp.Governance;

/// <summary>
/// Answers a CRM call by a caller who must first connect their account. A client that declared URL-mode elicitation
/// gets the server's connect page as a URL elicitation: as JSON-RPC error -32042 (URLElicitationRequiredError,
/// protocol 2025-11-25; the client is told with <c>notifications/elicitation/complete</c> once the account is
/// connected) or as an input request (protocol 2026-07-28, the client calls again). Any other client gets a tool error
/// <c>crm.not_connected</c> naming the connect URL or, over stdio, the <c>governed-crm connect</c> command. The URL
/// carries only an opaque request id: no credential, no personal data.
/// </summary>
public static class ConnectAnswer
{
    /// <summary>The key of the URL elicitation in a multi round-trip input request.</summary>
    public const string InputKey = "connect";

    /// <summary>Answers the call: returns a tool error, or throws the protocol's URL elicitation.</summary>
    /// <param name="context">The tool call's request context.</param>
    /// <param name="requirement">What the caller must connect.</param>
    /// <param name="multiRoundTrip">Whether the call uses protocol 2026-07-28 (questions go back as input requests).</param>
    /// <returns>The tool error for clients without URL elicitation.</returns>
    /// <exception cref="UrlElicitationRequiredException">The client supports URL elicitation (2025-11-25).</exception>
    /// <exception cref="InputRequiredException">The client supports URL elicitation (2026-07-28).</exception>
    public static CallToolResult Respond(RequestContext<CallToolRequestParams> context, ConnectionRequirement requirement, bool multiRoundTrip)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(requirement);
        if (requirement is { ConnectUrl: { } url, ElicitationId: { } elicitationId, ConnectRequestId: { } requestId }
            && context.Server.ClientCapabilities?.Elicitation?.Url is not null)
        {
            var elicitation = new ElicitRequestParams
            {
                Mode = "url",
                Url = url.AbsoluteUri,
                ElicitationId = elicitationId,
                Message = $"Connect your {requirement.Provider} account so this server can act as you there. The page signs you in first; your password and tokens never pass through this chat.",
            };
            if (multiRoundTrip)
            {
                throw new InputRequiredException(new InputRequiredResult
                {
                    InputRequests = new Dictionary<string, InputRequest> { [InputKey] = InputRequest.ForElicitation(elicitation) },
                });
            }

            if (context.Services?.GetService<IConnectCompletionListeners>() is { } listeners)
            {
                var server = context.Server;
                listeners.OnCompleted(requestId, ct => server.SendNotificationAsync(
                    NotificationMethods.ElicitationCompleteNotification,
                    new ElicitationCompleteNotificationParams { ElicitationId = elicitationId },
                    cancellationToken: ct));
            }

            throw new UrlElicitationRequiredException(requirement.Message, [elicitation]);
        }

        return Error(requirement);
    }

    /// <summary>The tool error: code <c>crm.not_connected</c>, the provider and, when there is one, the connect URL.</summary>
    /// <param name="requirement">What the caller must connect.</param>
    /// <returns>The result.</returns>
    public static CallToolResult Error(ConnectionRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(requirement);
        var error = new JsonObject
        {
            ["code"] = ConnectionRequirement.Code,
            ["message"] = requirement.Message,
            ["provider"] = requirement.Provider,
        };
        if (requirement.ConnectUrl is { } url)
        {
            error["connectUrl"] = url.AbsoluteUri;
        }
        else
        {
            error["connectCommand"] = $"governed-crm connect {requirement.Provider}";
        }

        return new CallToolResult
        {
            IsError = true,
            Content = [new TextContentBlock { Text = $"{ConnectionRequirement.Code}: {requirement.Message}" }],
            StructuredContent = JsonSerializer.SerializeToElement(new JsonObject { ["outcome"] = "not_connected", ["error"] = error }, GovernanceJson.Options),
        };
    }
}
