namespace GovernedCrm.Crm.Remote;

/// <summary>
/// What a remote connector puts on each <see cref="HttpRequestMessage"/> for <see cref="CrmAccessTokenHandler"/>:
/// whose token to use, at which provider, and (Salesforce) the path to resolve against the token's instance URL.
/// </summary>
public static class CrmRequestOptions
{
    /// <summary>The MCP user the call runs for (the actor's user id).</summary>
    public static HttpRequestOptionsKey<string> User { get; } = new("GovernedCrm.Crm.User");

    /// <summary>The provider name the token source knows (<c>hubspot</c>, <c>salesforce</c>).</summary>
    public static HttpRequestOptionsKey<string> Provider { get; } = new("GovernedCrm.Crm.Provider");

    /// <summary>The provider's name for people, used in error messages (<c>HubSpot</c>, <c>Salesforce</c>).</summary>
    public static HttpRequestOptionsKey<string> ProviderDisplayName { get; } = new("GovernedCrm.Crm.ProviderDisplayName");

    /// <summary>
    /// When set, a path relative to the token's <see cref="CrmAccessToken.InstanceUrl"/>: the handler rebases the
    /// request there when the token names an instance (Salesforce's <c>instance_url</c>), else leaves the configured URL.
    /// </summary>
    public static HttpRequestOptionsKey<string> InstanceRelativePath { get; } = new("GovernedCrm.Crm.InstanceRelativePath");

    /// <summary>
    /// True for a read (a GET, or a search sent by POST): the resilience pipeline may send it again after a transient
    /// failure. False for a write, which is only sent again after a 429 (the CRM refused it before doing anything).
    /// </summary>
    public static HttpRequestOptionsKey<bool> Read { get; } = new("GovernedCrm.Crm.Read");

    /// <summary>Set by the handler once it has authorized the request; connectors refuse responses without it (fail closed).</summary>
    public static HttpRequestOptionsKey<bool> Authorized { get; } = new("GovernedCrm.Crm.Authorized");
}
