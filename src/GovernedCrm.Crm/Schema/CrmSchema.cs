namespace GovernedCrm.Crm.Schema;

/// <summary>The object types and properties every connector exposes (HubSpot property names).</summary>
public static class CrmSchema
{
    /// <summary>HubSpot's default lifecycle stages.</summary>
    public static IReadOnlyList<string> LifecycleStages { get; } =
        ["subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer", "evangelist", "other"];

    /// <summary>HubSpot's default sales pipeline stages.</summary>
    public static IReadOnlyList<string> DealStages { get; } =
        ["appointmentscheduled", "qualifiedtobuy", "presentationscheduled", "decisionmakerboughtin", "contractsent", "closedwon", "closedlost"];

    /// <summary>The contact object.</summary>
    public static CrmObjectSchema Contact { get; } = new(
        CrmObjectType.Contact,
        [
            new("email", CrmPropertyKind.Email, "Primary email address (unique per tenant).", MaxLength: 254),
            new("firstname", CrmPropertyKind.Text, "First name."),
            new("lastname", CrmPropertyKind.Text, "Last name."),
            new("phone", CrmPropertyKind.Phone, "Phone number.", MaxLength: 40),
            new("company", CrmPropertyKind.Text, "Company name as the contact gave it."),
            new("jobtitle", CrmPropertyKind.Text, "Job title."),
            new("lifecyclestage", CrmPropertyKind.Enumeration, "Lifecycle stage.", AllowedValues: LifecycleStages),
            new("owner", CrmPropertyKind.Text, "The user who owns the contact."),
        ],
        ["email"]);

    /// <summary>The company object.</summary>
    public static CrmObjectSchema Company { get; } = new(
        CrmObjectType.Company,
        [
            new("name", CrmPropertyKind.Text, "Company name."),
            new("domain", CrmPropertyKind.Text, "Web domain, e.g. example.com."),
            new("industry", CrmPropertyKind.Text, "Industry."),
            new("city", CrmPropertyKind.Text, "City."),
            new("country", CrmPropertyKind.Text, "Country."),
            new("numberofemployees", CrmPropertyKind.WholeNumber, "Number of employees.", Minimum: 0, Maximum: 10_000_000),
            new("annualrevenue", CrmPropertyKind.Money, "Annual revenue.", Minimum: 0, Maximum: 1_000_000_000_000m),
        ],
        ["name"]);

    /// <summary>The deal object.</summary>
    public static CrmObjectSchema Deal { get; } = new(
        CrmObjectType.Deal,
        [
            new("dealname", CrmPropertyKind.Text, "Deal name."),
            new("amount", CrmPropertyKind.Money, "Deal amount.", Minimum: 0, Maximum: 1_000_000_000_000m),
            new("dealstage", CrmPropertyKind.Enumeration, "Pipeline stage.", AllowedValues: DealStages),
            new("pipeline", CrmPropertyKind.Text, "Sales pipeline.", MaxLength: 64),
            new("closedate", CrmPropertyKind.Date, "Expected or actual close date (yyyy-MM-dd)."),
            new("owner", CrmPropertyKind.Text, "The user who owns the deal."),
            new("companyId", CrmPropertyKind.CompanyReference, "The id of the deal's company.", MaxLength: 18),
        ],
        ["dealname"]);

    /// <summary>The schema of <paramref name="type"/>.</summary>
    /// <param name="type">The object type.</param>
    /// <returns>Its schema.</returns>
    public static CrmObjectSchema For(CrmObjectType type) => type switch
    {
        CrmObjectType.Contact => Contact,
        CrmObjectType.Company => Company,
        CrmObjectType.Deal => Deal,
        _ => throw new CrmException(CrmErrorCodes.UnknownObjectType, $"Unknown object type '{type}'."),
    };
}
