namespace GovernedCrm.Crm.Salesforce;

/// <summary>Salesforce's public endpoints and API version: what a connectors file that names none uses.</summary>
internal static class SalesforceDefaults
{
    public static readonly Uri Authority = new("https://login.salesforce.com");

    public const string ApiVersion = "v60.0";
}
