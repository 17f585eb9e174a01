namespace GovernedCrm.Governance.Credentials;

/// <summary>Lets the transport learn when a pending connect request completes (to tell the MCP client its URL elicitation is done).</summary>
public interface IConnectCompletionListeners
{
    /// <summary>Runs <paramref name="onConnected"/> once the request's account is connected; nothing happens for an unknown or expired request.</summary>
    /// <param name="connectRequestId">The pending request's id.</param>
    /// <param name="onConnected">The work to run.</param>
    void OnCompleted(string connectRequestId, Func<CancellationToken, Task> onConnected);
}
