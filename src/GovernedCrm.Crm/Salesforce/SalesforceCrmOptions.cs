using GovernedCrm.Crm.Remote;

namespace GovernedCrm.Crm.Salesforce;

/// <summary>Where the Salesforce connector sends its calls, which API version, and which provider's tokens it asks for.</summary>
public sealed class SalesforceCrmOptions() : RemoteCrmOptions("salesforce")
{
    /// <summary>
    /// Stands in when no instance URL is configured: RFC 2606 reserves <c>.invalid</c>, so the name never resolves and
    /// a token without an <c>instance_url</c> is never sent anywhere (the call fails with <c>crm.unavailable</c>).
    /// </summary>
    public static Uri UnconfiguredInstance { get; } = new("https://salesforce-instance.invalid/");

    /// <summary>
    /// The org's API base (e.g. <c>https://example.my.salesforce.com</c>), used when the user's token does not name
    /// its instance. The token's <c>instance_url</c>, when present, wins.
    /// </summary>
    public Uri? InstanceUrl { get; set; }

    /// <summary>The REST API version, e.g. <c>v60.0</c>.</summary>
    public string ApiVersion { get; set; } = SalesforceDefaults.ApiVersion;
}
