using GovernedCrm.Crm.Remote;

namespace GovernedCrm.Crm.HubSpot;

/// <summary>
/// The contract's properties in HubSpot: the same names (the contract follows HubSpot), except <c>owner</c>, which is
/// <c>hubspot_owner_id</c> (HubSpot's owner id). A deal's <c>companyId</c> is not a property in HubSpot but the deal's
/// association with a company: read with <c>?associations=companies</c> (the first associated company), written with the
/// v4 associations API (see <see cref="HubSpotCrmConnector"/>). Every contract property is available.
/// </summary>
internal static class HubSpotProperties
{
    public const string Provider = "HubSpot";

    public static RemotePropertyMap Contact { get; } = new(CrmObjectType.Contact, Provider, Same(CrmObjectType.Contact, "owner"), new Dictionary<string, string>());

    public static RemotePropertyMap Company { get; } = new(CrmObjectType.Company, Provider, Same(CrmObjectType.Company), new Dictionary<string, string>());

    /// <summary>The deal property kept as an association, not a HubSpot property.</summary>
    public const string CompanyId = "companyId";

    /// <summary>The deal's HubSpot properties; <see cref="CompanyId"/> is handled apart, as an association.</summary>
    public static RemotePropertyMap Deal { get; } = new(CrmObjectType.Deal, Provider, Same(CrmObjectType.Deal, "owner", CompanyId), new Dictionary<string, string>());

    public static PerObjectType<RemotePropertyMap> Maps { get; } = new(Contact, Company, Deal);

    private static readonly PerObjectType<string> Paths = new("contacts", "companies", "deals");

    /// <summary>The CRM v3 path segment of an object type.</summary>
    public static string PathOf(CrmObjectType type) => Paths[type];

    private static Dictionary<string, string> Same(CrmObjectType type, params string[] except)
    {
        var map = Schema.CrmSchema.For(type).Properties
            .Where(p => !except.Contains(p.Name))
            .ToDictionary(p => p.Name, p => p.Name, StringComparer.Ordinal);
        if (except.Contains("owner"))
        {
            map["owner"] = "hubspot_owner_id";
        }

        return map;
    }
}
