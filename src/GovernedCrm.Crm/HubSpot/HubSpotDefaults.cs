namespace GovernedCrm.Crm.HubSpot;

/// <summary>HubSpot's public OAuth and API endpoints: what a connectors file that names none uses.</summary>
internal static class HubSpotDefaults
{
    public static readonly Uri AuthorizeUrl = new("https://app.hubspot.com/oauth/authorize");

    public static readonly Uri TokenUrl = new("https://api.hubapi.com/oauth/v1/token");

    public static readonly Uri ApiBaseUrl = new("https://api.hubapi.com/");
}
