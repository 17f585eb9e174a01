namespace GovernedCrm.Governance.Credentials;

/// <summary>The state of one user's connection to one CRM provider in the token vault.</summary>
public enum ConnectionStatus
{
    /// <summary>A token cache is stored and usable.</summary>
    Connected,

    /// <summary>The grant was revoked or refused (e.g. <c>invalid_grant</c>): the user must connect again.</summary>
    NeedsReconnect,
}
