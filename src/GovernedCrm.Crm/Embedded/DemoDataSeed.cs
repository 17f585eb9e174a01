using System.Data;
using Dapper;

namespace GovernedCrm.Crm.Embedded;

/// <summary>
/// Deterministic demo data for a new embedded CRM: 25 companies, 60 contacts and 40 deals in the "default"
/// tenant (deal amounts from 1,000 to 500,000 across every stage, 21 of them over 50,000), plus a few records
/// in a second tenant ("northwind") so tenant isolation can be seen. The same ids and values on every machine.
/// </summary>
public static class DemoDataSeed
{
    /// <summary>The tenant most demo records belong to.</summary>
    public const string DefaultTenant = "default";

    /// <summary>The second tenant, whose records a default-tenant caller must never see.</summary>
    public const string OtherTenant = "northwind";

    /// <summary>The first seeded contact id.</summary>
    public const long FirstContactId = 1001;

    /// <summary>The first seeded company id.</summary>
    public const long FirstCompanyId = 2001;

    /// <summary>The first seeded deal id.</summary>
    public const long FirstDealId = 3001;

    /// <summary>Deal amounts, one per seeded default-tenant deal.</summary>
    internal static readonly decimal[] DealAmounts =
    [
        1_000m, 2_500m, 4_800m, 7_500m, 9_900m, 12_000m, 15_500m, 18_000m, 22_000m, 25_000m,
        30_000m, 35_000m, 42_000m, 48_000m, 49_999.99m, 50_000m, 50_000.01m, 55_000m, 60_000m, 72_000m,
        75_000m, 85_000m, 95_000m, 110_000m, 125_000m, 150_000m, 175_000m, 200_000m, 240_000m, 275_000m,
        300_000m, 350_000m, 400_000m, 450_000m, 500_000m, 3_200m, 6_400m, 27_500m, 66_000m, 180_000m,
    ];

    private static readonly string[] CompanyNames =
    [
        "Acme Robotics", "Blue Harbor Logistics", "Cedar Health", "Delta Fintech", "Evergreen Foods",
        "Fjord Analytics", "Granite Construction", "Helios Solar", "Iris Biotech", "Juniper Retail",
        "Kestrel Aerospace", "Lumen Media", "Meridian Insurance", "Nimbus Cloud", "Orchid Cosmetics",
        "Pioneer Mining", "Quartz Semiconductors", "Redwood Legal", "Summit Education", "Tidal Energy",
        "Umbra Security", "Vertex Telecom", "Willow Hospitality", "Xylem Water", "Yarrow Pharma",
    ];

    private static readonly string[] Industries =
        ["Manufacturing", "Logistics", "Healthcare", "Financial Services", "Food & Beverage", "Software", "Construction", "Energy"];

    private static readonly (string City, string Country)[] Places =
    [
        ("Berlin", "Germany"), ("Lyon", "France"), ("Austin", "United States"), ("Toronto", "Canada"), ("Osaka", "Japan"),
        ("Manchester", "United Kingdom"), ("Porto", "Portugal"), ("Melbourne", "Australia"), ("Utrecht", "Netherlands"), ("Oslo", "Norway"),
    ];

    private static readonly string[] FirstNames =
    [
        "Ada", "Bruno", "Chiara", "Dmitri", "Elena", "Farid", "Greta", "Hiro", "Ines", "Jonas",
        "Kara", "Liam", "Mina", "Nikolai", "Olivia", "Pavel", "Quinn", "Rosa", "Sven", "Tara",
    ];

    private static readonly string[] LastNames =
    [
        "Adler", "Berg", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Hansen", "Ito", "Jensen",
        "Kowalski", "Lopez", "Moreau", "Novak", "Okafor", "Petrov", "Rossi", "Schmidt", "Tanaka", "Weber",
    ];

    private static readonly string[] JobTitles =
        ["CEO", "CFO", "Head of Procurement", "VP Sales", "IT Director", "Operations Manager", "Buyer", "CTO"];

    private static readonly string[] Owners = ["alice", "bob", "carol", "dave"];

    private static readonly string[] LifecycleStages =
        ["subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer", "evangelist", "other"];

    private static readonly string[] DealStages =
        ["appointmentscheduled", "qualifiedtobuy", "presentationscheduled", "decisionmakerboughtin", "contractsent", "closedwon", "closedlost"];

    private static readonly DateTimeOffset SeedTime = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    /// <summary>Inserts the demo data inside the caller's transaction.</summary>
    /// <param name="connection">An open connection.</param>
    /// <param name="transaction">The transaction that also creates the schema.</param>
    /// <returns>A task.</returns>
    public static async Task InsertAsync(IDbConnection connection, IDbTransaction transaction)
    {
        var companies = Enumerable.Range(0, CompanyNames.Length).Select(i => new
        {
            id = FirstCompanyId + i,
            tenant = DefaultTenant,
            name = CompanyNames[i],
            domain = CompanyNames[i].ToLowerInvariant().Replace(' ', '-').Replace("&", "and", StringComparison.Ordinal) + ".example",
            industry = Industries[i % Industries.Length],
            city = Places[i % Places.Length].City,
            country = Places[i % Places.Length].Country,
            numberofemployees = (long)(20 + (i * 137 % 4800)),
            annualrevenue = (500_000m + (i * 1_250_000m)).ToString(CultureInfo.InvariantCulture),
            at = Stamp(i),
        }).ToList();
        companies.Add(new { id = FirstCompanyId + 500, tenant = OtherTenant, name = "Northwind Traders", domain = "northwind.example", industry = "Wholesale", city = "Seattle", country = "United States", numberofemployees = 240L, annualrevenue = "12000000", at = Stamp(0) });
        companies.Add(new { id = FirstCompanyId + 501, tenant = OtherTenant, name = "Contoso Pharmaceuticals", domain = "contoso.example", industry = "Healthcare", city = "Basel", country = "Switzerland", numberofemployees = 1800L, annualrevenue = "90000000", at = Stamp(1) });
        await connection.ExecuteAsync(
            "INSERT INTO companies (id, tenant, name, domain, industry, city, country, numberofemployees, annualrevenue, created_at, updated_at) " +
            "VALUES (@id, @tenant, @name, @domain, @industry, @city, @country, @numberofemployees, @annualrevenue, @at, @at)",
            companies, transaction).ConfigureAwait(false);

        var contacts = Enumerable.Range(0, 60).Select(i =>
        {
            var first = FirstNames[i % FirstNames.Length];
            var last = LastNames[(i * 7) % LastNames.Length];
            var company = CompanyNames[i % CompanyNames.Length];
            return new
            {
                id = FirstContactId + i,
                tenant = DefaultTenant,
                email = $"{first}.{last}{i}@{company.ToLowerInvariant().Replace(' ', '-')}.example".ToLowerInvariant(),
                firstname = first,
                lastname = last,
                phone = $"+1 555 {(100 + i).ToString(CultureInfo.InvariantCulture)} {(1000 + (i * 37 % 9000)).ToString(CultureInfo.InvariantCulture)}",
                company,
                jobtitle = JobTitles[i % JobTitles.Length],
                lifecyclestage = LifecycleStages[i % LifecycleStages.Length],
                owner = Owners[i % Owners.Length],
                at = Stamp(i),
            };
        }).ToList();
        contacts.Add(new { id = FirstContactId + 500, tenant = OtherTenant, email = "nancy.davolio@northwind.example", firstname = "Nancy", lastname = "Davolio", phone = "+1 206 555 9857", company = "Northwind Traders", jobtitle = "Sales Representative", lifecyclestage = "customer", owner = "erin", at = Stamp(2) });
        contacts.Add(new { id = FirstContactId + 501, tenant = OtherTenant, email = "andrew.fuller@northwind.example", firstname = "Andrew", lastname = "Fuller", phone = "+1 206 555 9482", company = "Northwind Traders", jobtitle = "VP Sales", lifecyclestage = "customer", owner = "erin", at = Stamp(3) });
        await connection.ExecuteAsync(
            "INSERT INTO contacts (id, tenant, email, firstname, lastname, phone, company, jobtitle, lifecyclestage, owner, created_at, updated_at) " +
            "VALUES (@id, @tenant, @email, @firstname, @lastname, @phone, @company, @jobtitle, @lifecyclestage, @owner, @at, @at)",
            contacts, transaction).ConfigureAwait(false);

        var deals = Enumerable.Range(0, DealAmounts.Length).Select(i => new
        {
            id = FirstDealId + i,
            tenant = DefaultTenant,
            dealname = $"{CompanyNames[(i * 3) % CompanyNames.Length]} - {DealTopic(i)}",
            amount = DealAmounts[i].ToString(CultureInfo.InvariantCulture),
            dealstage = DealStages[i % DealStages.Length],
            pipeline = "default",
            closedate = new DateOnly(2026, 1, 15).AddDays(i * 9).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            owner = Owners[i % Owners.Length],
            company_id = FirstCompanyId + ((i * 3) % CompanyNames.Length),
            at = Stamp(i),
        }).ToList();
        deals.Add(new { id = FirstDealId + 500, tenant = OtherTenant, dealname = "Northwind Traders - Annual supply", amount = "640000", dealstage = "contractsent", pipeline = "default", closedate = "2026-12-15", owner = "erin", company_id = FirstCompanyId + 500, at = Stamp(4) });
        deals.Add(new { id = FirstDealId + 501, tenant = OtherTenant, dealname = "Contoso Pharmaceuticals - Cold chain", amount = "88000", dealstage = "qualifiedtobuy", pipeline = "default", closedate = "2027-02-01", owner = "erin", company_id = FirstCompanyId + 501, at = Stamp(5) });
        await connection.ExecuteAsync(
            "INSERT INTO deals (id, tenant, dealname, amount, dealstage, pipeline, closedate, owner, company_id, created_at, updated_at) " +
            "VALUES (@id, @tenant, @dealname, @amount, @dealstage, @pipeline, @closedate, @owner, @company_id, @at, @at)",
            deals, transaction).ConfigureAwait(false);
    }

    private static string DealTopic(int i) =>
        new[] { "Platform licence", "Support renewal", "Expansion", "Pilot", "Multi-year agreement", "Consulting", "Hardware refresh", "Training" }[i % 8];

    private static string Stamp(int i) => EmbeddedCrmValues.Timestamp(SeedTime.AddHours(i * 5));
}
