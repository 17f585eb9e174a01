using ModelContextProtocol;
using GovernedCrm.Governance.Steps.Approval;

namespace GovernedCrm.Mcp.Governance;

/// <summary>
/// Asks the requester to confirm a change by MCP elicitation (form mode, protocol 2025-11-25) in their own
/// session, with the <see cref="ConfirmationForm"/>; accepting with other values is an edit.
/// </summary>
internal sealed class ElicitationConfirmation(McpServer server) : IRequesterConfirmation
{
    /// <summary>A confirmation for this session, or null when its client did not declare form elicitation.</summary>
    public static IRequesterConfirmation? For(McpServer server) =>
        server.ClientCapabilities?.Elicitation is { } elicitation && (elicitation.Form is not null || elicitation.Url is null)
            ? new ElicitationConfirmation(server)
            : null;

    public async ValueTask<ConfirmationAnswer> AskAsync(ConfirmationRequest request, CancellationToken cancellationToken)
    {
        ElicitResult result;
        try
        {
            result = await server.ElicitAsync(ConfirmationForm.Build(request), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or NotSupportedException or McpException)
        {
            // No elicitation in this session after all (stateless HTTP, a client that refused the request).
            return new ConfirmationAnswer.Unavailable("this session cannot ask you to confirm");
        }

        return ConfirmationForm.Answer(request, result);
    }
}
