using System.Diagnostics;
using System.Net;
using GovernedCrm.Crm.HubSpot;
using GovernedCrm.Crm.Remote;
using GovernedCrm.Testing.CrmDoubles;

namespace GovernedCrm.Crm.Tests.Remote;

/// <summary>
/// The HubSpot connector over the clients <see cref="RemoteCrmHttpClients"/> makes (IHttpClientFactory with the
/// resilience pipeline), against the HubSpot double on a real loopback listener: reads survive transient failures and
/// honour Retry-After; writes are not sent twice when their outcome is unknown.
/// </summary>
public sealed class RemoteCrmResilienceTests
{
    private static readonly CrmActor Alice = new("alice", "acme");

    // Short delays so the tests are quick; the attempt timeout is what a slow write runs into.
    private static RemoteCrmResilienceOptions Options => new()
    {
        RetryDelay = TimeSpan.FromMilliseconds(50),
        AttemptTimeout = TimeSpan.FromSeconds(1),
        TotalTimeout = TimeSpan.FromSeconds(20),
    };

    [Fact]
    public async Task Read_AfterTwo503sAndA429WithRetryAfter_Succeeds()
    {
        await using var h = await Harness.StartAsync();
        var id = h.Crm.Seed("contacts", new Dictionary<string, string?> { ["email"] = "ada@example.com", ["lastname"] = "Lovelace" });
        h.Crm.FailNext(HttpStatusCode.ServiceUnavailable, count: 2);
        h.Crm.FailNext(HttpStatusCode.TooManyRequests, retryAfterSeconds: 1);
        var watch = Stopwatch.StartNew();

        var record = await h.Connector.GetAsync(Alice, CrmObjectType.Contact, id, CancellationToken.None);

        record.Properties["email"].Should().Be("ada@example.com");
        h.Crm.Calls.Select(c => c.Status).Should().Equal(503, 503, 429, 200);
        h.Crm.Calls.Should().OnlyContain(c => c.Method == "GET" && c.User == "alice");
        watch.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(1), "the 429's Retry-After: 1 is waited for");
    }

    [Fact]
    public async Task Search_SentByPost_IsRetriedAsARead()
    {
        await using var h = await Harness.StartAsync();
        h.Crm.Seed("contacts", new Dictionary<string, string?> { ["email"] = "grace@example.com", ["lastname"] = "Hopper" });
        h.Crm.FailNext(HttpStatusCode.BadGateway);

        var result = await h.Connector.SearchAsync(Alice, CrmObjectType.Contact, null, 10, CancellationToken.None);

        result.Records.Should().ContainSingle();
        h.Crm.Calls.Select(c => (c.Method, c.Status)).Should().Equal(("POST", 502), ("POST", 200));
    }

    [Fact]
    public async Task Write_ThatTimesOut_IsNotSentAgain()
    {
        await using var h = await Harness.StartAsync();
        var id = h.Crm.Seed("contacts", new Dictionary<string, string?> { ["email"] = "alan@example.com", ["lastname"] = "Turing" });
        h.Crm.DelayNext(TimeSpan.FromSeconds(3), method: "PATCH");

        var write = () => h.Connector.UpdateAsync(
            Alice, CrmObjectType.Contact, id, new Dictionary<string, object?> { ["lastname"] = "Turing-Late" }, null, CancellationToken.None);

        var error = (await write.Should().ThrowAsync<CrmException>()).Which;
        error.Code.Should().Be(CrmErrorCodes.Unavailable);
        error.Message.Should().Contain("did not answer in time");
        await Task.Delay(TimeSpan.FromSeconds(3)); // Past the double's late answer: a retry would have arrived by now.
        h.Crm.Calls.Count(c => c.Method == "PATCH").Should().Be(1, "a write whose outcome is unknown is never resent");
    }

    [Fact]
    public async Task Write_After503_IsNotSentAgain()
    {
        await using var h = await Harness.StartAsync();
        var id = h.Crm.Seed("contacts", new Dictionary<string, string?> { ["email"] = "edsger@example.com", ["lastname"] = "Dijkstra" });
        h.Crm.FailNext(HttpStatusCode.ServiceUnavailable, method: "PATCH");

        var write = () => h.Connector.UpdateAsync(
            Alice, CrmObjectType.Contact, id, new Dictionary<string, object?> { ["lastname"] = "D." }, null, CancellationToken.None);

        (await write.Should().ThrowAsync<CrmException>()).Which.Code.Should().Be(CrmErrorCodes.Unavailable);
        h.Crm.Calls.Where(c => c.Method == "PATCH").Select(c => c.Status).Should().Equal(503);
    }

    [Fact]
    public async Task Write_After429_IsSentAgainAfterRetryAfter()
    {
        // HubSpot refuses a rate-limited call before doing anything, so sending it again cannot apply it twice.
        await using var h = await Harness.StartAsync();
        var id = h.Crm.Seed("contacts", new Dictionary<string, string?> { ["email"] = "barbara@example.com", ["lastname"] = "Liskov" });
        h.Crm.FailNext(HttpStatusCode.TooManyRequests, retryAfterSeconds: 1, method: "PATCH");

        var result = await h.Connector.UpdateAsync(
            Alice, CrmObjectType.Contact, id, new Dictionary<string, object?> { ["lastname"] = "Liskov-Updated" }, null, CancellationToken.None);

        result.Record.Properties["lastname"].Should().Be("Liskov-Updated");
        h.Crm.Calls.Where(c => c.Method == "PATCH").Select(c => c.Status).Should().Equal(429, 200);
    }

    [Fact]
    public async Task Read_WithRetryAfterBeyondTheLimit_FailsAtOnceAsRateLimited()
    {
        await using var h = await Harness.StartAsync();
        var id = h.Crm.Seed("contacts", new Dictionary<string, string?> { ["email"] = "ken@example.com", ["lastname"] = "Thompson" });
        h.Crm.FailNext(HttpStatusCode.TooManyRequests, retryAfterSeconds: 3600);
        var watch = Stopwatch.StartNew();

        var read = () => h.Connector.GetAsync(Alice, CrmObjectType.Contact, id, CancellationToken.None);

        var error = (await read.Should().ThrowAsync<CrmException>()).Which;
        error.Code.Should().Be(CrmErrorCodes.RateLimited);
        error.Message.Should().Contain("retry after 3600 seconds");
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5));
        h.Crm.Calls.Should().ContainSingle();
    }

    [Fact]
    public async Task RepeatedFailures_OpenTheCircuit_AndCallsAreNotSentWhileItIsOpen()
    {
        await using var h = await Harness.StartAsync(new RemoteCrmResilienceOptions
        {
            RetryDelay = TimeSpan.FromMilliseconds(50),
            BreakMinimumThroughput = 2,
            BreakFailureRatio = 0.5,
            BreakDuration = TimeSpan.FromSeconds(30),
        });
        var id = h.Crm.Seed("contacts", new Dictionary<string, string?> { ["email"] = "frances@example.com", ["lastname"] = "Allen" });
        h.Crm.FailNext(HttpStatusCode.ServiceUnavailable, count: 5);
        Task Read() => h.Connector.GetAsync(Alice, CrmObjectType.Contact, id, CancellationToken.None);

        var first = (await FluentActions.Awaiting(Read).Should().ThrowAsync<CrmException>()).Which;
        var second = (await FluentActions.Awaiting(Read).Should().ThrowAsync<CrmException>()).Which;

        first.Code.Should().Be(CrmErrorCodes.Unavailable);
        first.Message.Should().Contain("paused", "the retry after the second failure met the open circuit");
        second.Message.Should().Contain("paused");
        h.Crm.Calls.Select(c => c.Status).Should().Equal([503, 503], "nothing is sent while the circuit is open");
    }

    private sealed class Harness : IAsyncDisposable
    {
        private readonly RemoteCrmHttpClients _clients;
        private readonly HttpClient _http;

        private Harness(HubSpotDouble crm, FakeTokenSource tokens, RemoteCrmResilienceOptions options)
        {
            Crm = crm;
            _clients = new RemoteCrmHttpClients(["hubspot"], tokens, () => new SocketsHttpHandler(), options);
            _http = _clients.For("hubspot");
            Connector = new HubSpotCrmConnector(_http, new HubSpotCrmOptions { BaseAddress = crm.BaseAddress });
        }

        public HubSpotDouble Crm { get; }

        public HubSpotCrmConnector Connector { get; }

        public static async Task<Harness> StartAsync(RemoteCrmResilienceOptions? options = null)
        {
            var tokens = new FakeTokenSource();
            var crm = new HubSpotDouble(tokens.IntrospectAsync);
            await crm.StartAsync();
            return new Harness(crm, tokens, options ?? Options);
        }

        public async ValueTask DisposeAsync()
        {
            _http.Dispose();
            _clients.Dispose();
            await Crm.DisposeAsync();
        }
    }
}
