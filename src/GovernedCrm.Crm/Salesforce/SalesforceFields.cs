using GovernedCrm.Crm.Remote;

namespace GovernedCrm.Crm.Salesforce;

/// <summary>
/// The contract's objects and properties in Salesforce. contact → Contact (email → Email, firstname → FirstName,
/// lastname → LastName, phone → Phone, jobtitle → Title, owner → OwnerId); company → Account (name → Name,
/// domain → Website, industry → Industry, city → BillingCity, country → BillingCountry,
/// numberofemployees → NumberOfEmployees, annualrevenue → AnnualRevenue); deal → Opportunity (dealname → Name,
/// amount → Amount, dealstage → StageName through <see cref="SalesforceStages"/>, closedate → CloseDate,
/// owner → OwnerId, companyId → AccountId). Not available, refused with <c>crm.unknown_property</c>: a contact's
/// <c>company</c> (Salesforce links a contact to an Account by AccountId, not by a free-text name) and
/// <c>lifecyclestage</c> (no standard Contact field), and a deal's <c>pipeline</c> (no standard Opportunity field).
/// </summary>
internal static class SalesforceFields
{
    public const string Provider = "Salesforce";

    public static RemotePropertyMap Contact { get; } = new(
        CrmObjectType.Contact,
        Provider,
        new Dictionary<string, string>
        {
            ["email"] = "Email", ["firstname"] = "FirstName", ["lastname"] = "LastName", ["phone"] = "Phone", ["jobtitle"] = "Title", ["owner"] = "OwnerId",
        },
        new Dictionary<string, string>
        {
            ["company"] = "a Salesforce Contact links to its Account by id and has no free-text company field.",
            ["lifecyclestage"] = "Salesforce Contact has no standard lifecycle stage field.",
        });

    public static RemotePropertyMap Company { get; } = new(
        CrmObjectType.Company,
        Provider,
        new Dictionary<string, string>
        {
            ["name"] = "Name", ["domain"] = "Website", ["industry"] = "Industry", ["city"] = "BillingCity", ["country"] = "BillingCountry",
            ["numberofemployees"] = "NumberOfEmployees", ["annualrevenue"] = "AnnualRevenue",
        },
        new Dictionary<string, string>());

    public static RemotePropertyMap Deal { get; } = new(
        CrmObjectType.Deal,
        Provider,
        new Dictionary<string, string>
        {
            ["dealname"] = "Name", ["amount"] = "Amount", ["dealstage"] = "StageName", ["closedate"] = "CloseDate", ["owner"] = "OwnerId", ["companyId"] = "AccountId",
        },
        new Dictionary<string, string>
        {
            ["pipeline"] = "Salesforce Opportunity has no standard pipeline field.",
        });

    public static PerObjectType<RemotePropertyMap> Maps { get; } = new(Contact, Company, Deal);

    private static readonly PerObjectType<string> SObjects = new("Contact", "Account", "Opportunity");

    /// <summary>The sObject name of an object type.</summary>
    public static string SObjectOf(CrmObjectType type) => SObjects[type];
}
