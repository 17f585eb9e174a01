namespace GovernedCrm.Governance.Credentials;

/// <summary>One row of the token vault as listed: who, which provider, its state and the key that encrypts it; never the secret.</summary>
/// <param name="User">The MCP user the connection belongs to.</param>
/// <param name="Provider">The CRM provider (e.g. <c>hubspot</c>, <c>salesforce</c>).</param>
/// <param name="Status">Connected, or needs the user to connect again.</param>
/// <param name="KeyId">The id of the vault key the stored cache is encrypted with.</param>
/// <param name="UpdatedAt">When the token cache or its status last changed.</param>
public sealed record TokenVaultEntry(string User, string Provider, ConnectionStatus Status, string KeyId, DateTimeOffset UpdatedAt);
