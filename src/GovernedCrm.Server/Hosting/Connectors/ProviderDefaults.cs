namespace GovernedCrm.Server.Hosting.Connectors;

/// <summary>HubSpot's public OAuth endpoints.</summary>
internal static class HubSpotDefaults
{
    public static readonly Uri AuthorizeUrl = new("https://app.hubspot.com/oauth/authorize");

    public static readonly Uri TokenUrl = new("https://api.hubapi.com/oauth/v1/token");

    public static readonly Uri ApiBaseUrl = new("https://api.hubapi.com");
}

/// <summary>Salesforce's public endpoints.</summary>
internal static class SalesforceDefaults
{
    public static readonly Uri Authority = new("https://login.salesforce.com");

    public const string ApiVersion = "v60.0";
}
