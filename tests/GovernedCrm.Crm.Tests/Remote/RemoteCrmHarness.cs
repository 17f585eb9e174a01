using System.Text.Json.Nodes;
using GovernedCrm.Crm.HubSpot;
using GovernedCrm.Crm.Remote;
using GovernedCrm.Crm.Salesforce;
using GovernedCrm.Testing.CrmDoubles;

namespace GovernedCrm.Crm.Tests.Remote;

/// <summary>A remote connector wired to its local double through the real token handler, with a fake token source.</summary>
internal sealed class RemoteCrmHarness : IAsyncDisposable
{
    private readonly HttpClient _http;

    private RemoteCrmHarness(string provider, CrmDouble crmDouble, FakeTokenSource tokens, HttpClient http, ICrmConnector connector)
    {
        Provider = provider;
        Double = crmDouble;
        Tokens = tokens;
        _http = http;
        Connector = connector;
    }

    public static CrmActor Alice { get; } = new("alice", "acme");

    public static CrmActor Bob { get; } = new("bob", "acme");

    public static TheoryData<string> Providers => ["hubspot", "salesforce"];

    public string Provider { get; }

    public CrmDouble Double { get; }

    public HubSpotDouble HubSpot => (HubSpotDouble)Double;

    public SalesforceDouble Salesforce => (SalesforceDouble)Double;

    public FakeTokenSource Tokens { get; }

    public ICrmConnector Connector { get; }

    public static Task<RemoteCrmHarness> CreateAsync(string provider) => provider switch
    {
        "hubspot" => HubSpotAsync(),
        "salesforce" => SalesforceAsync(),
        _ => throw new ArgumentOutOfRangeException(nameof(provider)),
    };

    public static async Task<RemoteCrmHarness> HubSpotAsync()
    {
        var tokens = new FakeTokenSource();
        var crm = new HubSpotDouble(tokens.IntrospectAsync);
        await crm.StartAsync();
        var http = Client(tokens);
        return new RemoteCrmHarness("hubspot", crm, tokens, http, new HubSpotCrmConnector(http, new HubSpotCrmOptions { BaseAddress = crm.BaseAddress }));
    }

    /// <param name="instanceFromToken">True: the token names the instance and no instance URL is configured.</param>
    public static async Task<RemoteCrmHarness> SalesforceAsync(bool instanceFromToken = false)
    {
        // The token source needs the double's address, the double needs the source's introspector: start with a holder.
        FakeTokenSource? holder = null;
        var crm = new SalesforceDouble((token, ct) => holder!.IntrospectAsync(token, ct));
        await crm.StartAsync();
        var tokens = holder = new FakeTokenSource(instanceFromToken ? crm.BaseAddress : null);
        var http = Client(tokens);
        var options = new SalesforceCrmOptions { InstanceUrl = instanceFromToken ? null : crm.BaseAddress };
        return new RemoteCrmHarness("salesforce", crm, tokens, http, new SalesforceCrmConnector(http, options));
    }

    /// <summary>Seeds a contact and returns its id.</summary>
    public string SeedContact(string email, string firstName, string lastName) => Provider == "hubspot"
        ? HubSpot.Seed("contacts", new Dictionary<string, string?> { ["email"] = email, ["firstname"] = firstName, ["lastname"] = lastName })
        : Salesforce.Seed("Contact", new JsonObject { ["Email"] = email, ["FirstName"] = firstName, ["LastName"] = lastName });

    /// <summary>Seeds a record of any type whose main text property (contact lastname, company name, deal dealname) is <paramref name="name"/>.</summary>
    public string Seed(CrmObjectType type, string name) => (Provider, type) switch
    {
        ("hubspot", CrmObjectType.Contact) => HubSpot.Seed("contacts", new Dictionary<string, string?> { ["email"] = $"{Guid.NewGuid():N}@example.com", ["lastname"] = name }),
        ("hubspot", CrmObjectType.Company) => HubSpot.Seed("companies", new Dictionary<string, string?> { ["name"] = name }),
        ("hubspot", _) => HubSpot.Seed("deals", new Dictionary<string, string?> { ["dealname"] = name, ["dealstage"] = "qualifiedtobuy" }),
        (_, CrmObjectType.Contact) => Salesforce.Seed("Contact", new JsonObject { ["Email"] = $"{Guid.NewGuid():N}@example.com", ["LastName"] = name }),
        (_, CrmObjectType.Company) => Salesforce.Seed("Account", new JsonObject { ["Name"] = name }),
        _ => Salesforce.Seed("Opportunity", new JsonObject { ["Name"] = name, ["StageName"] = "Qualification", ["CloseDate"] = "2026-12-31" }),
    };

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await Double.DisposeAsync();
    }

    private static HttpClient Client(FakeTokenSource tokens) =>
        new(new CrmAccessTokenHandler(tokens) { InnerHandler = new SocketsHttpHandler() }) { Timeout = TimeSpan.FromSeconds(10) };
}
