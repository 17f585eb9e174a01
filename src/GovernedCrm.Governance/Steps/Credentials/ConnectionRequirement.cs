using GovernedCrm.Governance.Credentials;

namespace GovernedCrm.Governance.Steps.Credentials;

/// <summary>
/// What a caller must do before a CRM call can run for them: connect their account at <see cref="Provider"/>.
/// Carries no credential and no personal data, so it can be shown to the model and written to the audit trail.
/// </summary>
/// <param name="Provider">The CRM provider to connect (e.g. <c>hubspot</c>).</param>
/// <param name="ConnectUrl">
/// The server's own page that starts the connection (HTTP deployments), or <see langword="null"/> when there is none
/// (stdio: the user runs <c>governed-crm connect PROVIDER</c>).
/// </param>
/// <param name="ConnectRequestId">The id of the pending connect request behind <see cref="ConnectUrl"/>, if any.</param>
/// <param name="ElicitationId">The id under which the connect URL is offered to an MCP client (URL-mode elicitation), if any.</param>
public sealed record ConnectionRequirement(string Provider, Uri? ConnectUrl = null, string? ConnectRequestId = null, string? ElicitationId = null)
{
    /// <summary>The stable code of the refusal a missing connection produces.</summary>
    public const string Code = "crm.not_connected";

    /// <summary>What the user is told: which account to connect and how.</summary>
    public string Message => ConnectUrl is { } url
        ? $"Your {Provider} account is not connected, so nothing was run. Open {url} to connect it, then try again."
        : $"Your {Provider} account is not connected, so nothing was run. Run `governed-crm connect {Provider}` to connect it, then try again.";
}
