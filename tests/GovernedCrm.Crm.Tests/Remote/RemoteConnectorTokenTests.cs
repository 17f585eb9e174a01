using System.Net;
using GovernedCrm.Crm.Remote;

namespace GovernedCrm.Crm.Tests.Remote;

/// <summary>Both remote connectors against their doubles: whose token each call uses, refresh on 401, error mapping.</summary>
public sealed class RemoteConnectorTokenTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Theory]
    [MemberData(nameof(RemoteCrmHarness.Providers), MemberType = typeof(RemoteCrmHarness))]
    public async Task GetAsync_AliceThenBob_EachCallRunsWithItsActorsToken(string provider)
    {
        await using var crm = await RemoteCrmHarness.CreateAsync(provider);
        var id = crm.SeedContact("ada@example.com", "Ada", "Lovelace");

        await crm.Connector.GetAsync(RemoteCrmHarness.Alice, CrmObjectType.Contact, id, None);
        await crm.Connector.GetAsync(RemoteCrmHarness.Bob, CrmObjectType.Contact, id, None);

        crm.Double.Calls.Select(c => c.User).Should().Equal("alice", "bob");
        crm.Tokens.Requests.Should().Equal(("alice", provider, null), ("bob", provider, null));
    }

    [Theory]
    [MemberData(nameof(RemoteCrmHarness.Providers), MemberType = typeof(RemoteCrmHarness))]
    public async Task SearchAndGet_FiftyInterleavedConcurrentCalls_NoCrossUse(string provider)
    {
        await using var crm = await RemoteCrmHarness.CreateAsync(provider);
        var id = crm.SeedContact("ada@example.com", "Ada", "Lovelace");

        // Each call's actor is tagged in the request; the double reports whose token it saw. With 50 calls in flight,
        // a handler that shared state between requests would show up as a mismatch.
        var calls = Enumerable.Range(0, 50).Select(async i =>
        {
            var actor = i % 2 == 0 ? RemoteCrmHarness.Alice : RemoteCrmHarness.Bob;
            var email = $"{actor.UserId}-{i}@example.com";
            var result = await crm.Connector.SearchAsync(actor, CrmObjectType.Contact, email, 5, None);
            result.Records.Should().BeEmpty();
            await crm.Connector.GetAsync(actor, CrmObjectType.Contact, id, None);
            return (actor.UserId, email);
        }).ToList();
        await Task.WhenAll(calls);

        crm.Double.Calls.Should().HaveCount(100).And.OnlyContain(c => c.Status == 200);
        crm.Double.Calls.Count(c => c.User == "alice").Should().Be(50);
        crm.Double.Calls.Count(c => c.User == "bob").Should().Be(50);
        if (provider == "salesforce")
        {
            // The search text names the actor who searched: the double saw it with that actor's token.
            crm.Double.Calls.Where(c => c.SearchText is not null)
                .Should().HaveCount(50).And.OnlyContain(c => c.SearchText!.StartsWith(c.User + "-", StringComparison.Ordinal));
        }

        crm.Tokens.Requests.Should().HaveCount(100).And.OnlyContain(r => r.Rejected == null);
    }

    [Theory]
    [MemberData(nameof(RemoteCrmHarness.Providers), MemberType = typeof(RemoteCrmHarness))]
    public async Task GetAsync_TokenRefused_OneRefreshWithTheRejectedTokenAndOneRetry(string provider)
    {
        await using var crm = await RemoteCrmHarness.CreateAsync(provider);
        var id = crm.SeedContact("ada@example.com", "Ada", "Lovelace");
        var first = FakeTokenSource.TokenOf("alice", provider, 1);
        crm.Double.RefuseToken(first);

        var record = await crm.Connector.GetAsync(RemoteCrmHarness.Alice, CrmObjectType.Contact, id, None);

        record.Properties["email"].Should().Be("ada@example.com");
        crm.Tokens.Requests.Should().Equal(("alice", provider, null), ("alice", provider, first));
        crm.Double.Calls.Select(c => (c.User, c.Status)).Should().Equal((null, 401), ("alice", 200));
    }

    [Theory]
    [MemberData(nameof(RemoteCrmHarness.Providers), MemberType = typeof(RemoteCrmHarness))]
    public async Task UpdateAsync_PatchAnswers401_BodyResentOnceWithTheRefreshedToken(string provider)
    {
        await using var crm = await RemoteCrmHarness.CreateAsync(provider);
        var id = crm.SeedContact("ada@example.com", "Ada", "Lovelace");
        crm.Double.FailNext(HttpStatusCode.Unauthorized, method: "PATCH");

        var result = await crm.Connector.UpdateAsync(RemoteCrmHarness.Alice, CrmObjectType.Contact, id, new Dictionary<string, object?> { ["firstname"] = "Augusta" }, null, None);

        result.Record.Properties["firstname"].Should().Be("Augusta");
        (await crm.Connector.GetAsync(RemoteCrmHarness.Bob, CrmObjectType.Contact, id, None)).Properties["firstname"].Should().Be("Augusta");
        crm.Double.Calls.Where(c => c.Method == "PATCH").Select(c => c.Status).Should().Equal(401, provider == "hubspot" ? 200 : 204);
        crm.Tokens.Requests.Where(r => r.Rejected is not null).Should().ContainSingle()
            .Which.Rejected.Should().Be(FakeTokenSource.TokenOf("alice", provider, 1));
    }

    [Theory]
    [MemberData(nameof(RemoteCrmHarness.Providers), MemberType = typeof(RemoteCrmHarness))]
    public async Task CreateContactAsync_PostAnswers401_CreatedExactlyOnceAfterRefresh(string provider)
    {
        await using var crm = await RemoteCrmHarness.CreateAsync(provider);
        crm.Double.FailNext(HttpStatusCode.Unauthorized, method: "POST");

        var result = await crm.Connector.CreateContactAsync(RemoteCrmHarness.Alice, new Dictionary<string, object?> { ["email"] = "new@example.com", ["lastname"] = "New" }, None);

        result.Record.Properties["email"].Should().Be("new@example.com");
        crm.Double.Calls.Where(c => c.Method == "POST").Select(c => c.Status).Should().Equal(401, 201);
        (await crm.Connector.SearchAsync(RemoteCrmHarness.Alice, CrmObjectType.Contact, "new@example.com", 10, None)).Records.Should().ContainSingle();
    }

    [Theory]
    [MemberData(nameof(RemoteCrmHarness.Providers), MemberType = typeof(RemoteCrmHarness))]
    public async Task GetAsync_RefreshedTokenRefusedToo_ForbiddenAfterExactlyOneRetry(string provider)
    {
        await using var crm = await RemoteCrmHarness.CreateAsync(provider);
        var id = crm.SeedContact("ada@example.com", "Ada", "Lovelace");
        crm.Double.RefuseToken(FakeTokenSource.TokenOf("alice", provider, 1));
        crm.Double.RefuseToken(FakeTokenSource.TokenOf("alice", provider, 2));

        var act = () => crm.Connector.GetAsync(RemoteCrmHarness.Alice, CrmObjectType.Contact, id, None);

        var error = (await act.Should().ThrowAsync<CrmException>()).Which;
        error.Code.Should().Be(CrmErrorCodes.Forbidden);
        error.Message.Should().Contain(provider == "hubspot" ? "HubSpot" : "Salesforce").And.Contain("401");
        crm.Double.Calls.Should().HaveCount(2).And.OnlyContain(c => c.Status == 401);
        crm.Tokens.Calls.Should().Be(2);
        NoTokenIn(error, provider);
    }

    [Theory]
    [MemberData(nameof(RemoteCrmHarness.Providers), MemberType = typeof(RemoteCrmHarness))]
    public async Task GetAsync_NotConnected_PropagatesUnchangedAndTheCrmSeesNoCall(string provider)
    {
        await using var crm = await RemoteCrmHarness.CreateAsync(provider);
        var id = crm.SeedContact("ada@example.com", "Ada", "Lovelace");
        crm.Tokens.NotConnected["alice"] = true;

        var act = () => crm.Connector.GetAsync(RemoteCrmHarness.Alice, CrmObjectType.Contact, id, None);

        var error = (await act.Should().ThrowExactlyAsync<CrmNotConnectedException>()).Which;
        error.Provider.Should().Be(provider);
        crm.Double.Calls.Should().BeEmpty();
    }

    public static TheoryData<string, HttpStatusCode, string, string> Faults => new()
    {
        { "hubspot", HttpStatusCode.NotFound, CrmErrorCodes.NotFound, "found no contact" },
        { "hubspot", HttpStatusCode.Conflict, CrmErrorCodes.Conflict, "HTTP 409" },
        { "hubspot", HttpStatusCode.TooManyRequests, CrmErrorCodes.RateLimited, "retry after 7 seconds" },
        { "hubspot", HttpStatusCode.InternalServerError, CrmErrorCodes.Unavailable, "HTTP 500" },
        { "hubspot", HttpStatusCode.Forbidden, CrmErrorCodes.Forbidden, "HTTP 403" },
        { "salesforce", HttpStatusCode.NotFound, CrmErrorCodes.NotFound, "found no contact" },
        { "salesforce", HttpStatusCode.Conflict, CrmErrorCodes.Conflict, "HTTP 409" },
        { "salesforce", HttpStatusCode.TooManyRequests, CrmErrorCodes.RateLimited, "retry after 7 seconds" },
        { "salesforce", HttpStatusCode.InternalServerError, CrmErrorCodes.Unavailable, "HTTP 500" },
        { "salesforce", HttpStatusCode.ServiceUnavailable, CrmErrorCodes.Unavailable, "HTTP 503" },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task GetAsync_CrmAnswersError_MappedToStableCode(string provider, HttpStatusCode status, string code, string inMessage)
    {
        await using var crm = await RemoteCrmHarness.CreateAsync(provider);
        var id = crm.SeedContact("ada@example.com", "Ada", "Lovelace");
        crm.Double.FailNext(status, retryAfterSeconds: status == HttpStatusCode.TooManyRequests ? 7 : null);

        var act = () => crm.Connector.GetAsync(RemoteCrmHarness.Alice, CrmObjectType.Contact, id, None);

        var error = (await act.Should().ThrowAsync<CrmException>()).Which;
        error.Code.Should().Be(code);
        error.Message.Should().Contain(inMessage).And.Contain(provider == "hubspot" ? "HubSpot" : "Salesforce");
        error.Message.Should().NotContain("Injected fault", "the CRM's response body is not echoed");
        NoTokenIn(error, provider);

        // The fault was one call only: the next read works.
        (await crm.Connector.GetAsync(RemoteCrmHarness.Alice, CrmObjectType.Contact, id, None)).Id.Should().Be(id);
    }

    [Theory]
    [MemberData(nameof(RemoteCrmHarness.Providers), MemberType = typeof(RemoteCrmHarness))]
    public async Task GetAsync_CrmUnreachable_Unavailable(string provider)
    {
        var crm = await RemoteCrmHarness.CreateAsync(provider);
        var id = crm.SeedContact("ada@example.com", "Ada", "Lovelace");
        await crm.Double.DisposeAsync();

        var act = () => crm.Connector.GetAsync(RemoteCrmHarness.Alice, CrmObjectType.Contact, id, None);

        var error = (await act.Should().ThrowAsync<CrmException>()).Which;
        error.Code.Should().Be(CrmErrorCodes.Unavailable);
        NoTokenIn(error, provider);
        await crm.DisposeAsync();
    }

    [Fact]
    public async Task Connector_HttpClientWithoutTokenHandler_FailsClosed()
    {
        await using var crm = await RemoteCrmHarness.HubSpotAsync();
        var id = crm.SeedContact("ada@example.com", "Ada", "Lovelace");
        using var bare = new HttpClient();
        var connector = new GovernedCrm.Crm.HubSpot.HubSpotCrmConnector(bare, new() { BaseAddress = crm.Double.BaseAddress });

        var act = () => connector.GetAsync(RemoteCrmHarness.Alice, CrmObjectType.Contact, id, None);

        (await act.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("CrmAccessTokenHandler");
    }

    [Fact]
    public async Task Handler_RequestWithoutUser_RefusedBeforeAnyTokenIsFetched()
    {
        var tokens = new FakeTokenSource();
        using var http = new HttpClient(new CrmAccessTokenHandler(tokens) { InnerHandler = new SocketsHttpHandler() });

        var act = () => http.GetAsync(new Uri("http://127.0.0.1:9/"));

        await act.Should().ThrowAsync<InvalidOperationException>();
        tokens.Calls.Should().Be(0);
    }

    [Fact]
    public void AccessToken_ToString_NeverShowsTheValue()
    {
        var token = new CrmAccessToken("super-secret", null, null);

        token.ToString().Should().NotContain("super-secret");
    }

    private static void NoTokenIn(Exception error, string provider)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            e.Message.Should().NotContain("secret-token").And.NotContain(FakeTokenSource.TokenOf("alice", provider, 1));
            e.ToString().Should().NotContain("secret-token");
        }
    }
}
