using GovernedCrm.Governance.Identity;
using GovernedCrm.Governance.Pipeline;
using GovernedCrm.Governance.Policy;
using Microsoft.Extensions.Time.Testing;
using static GovernedCrm.Governance.Tests.Policy.PolicyTestCalls;

namespace GovernedCrm.Governance.Tests.Policy;

public sealed class PolicyLimiterTests
{
    private static readonly CallerIdentity Ravi = new("ravi", "default", ["rep"], CallerSources.Local);
    private static readonly CallerIdentity Maria = new("maria", "default", ["manager"], CallerSources.Local);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Check_WritesPerUser_WindowSlides()
    {
        var limiter = new PolicyLimiter(_time);
        var limits = Limits(rate: new WriteRateLimit(3, TimeSpan.FromSeconds(60)));

        var results = new List<string?>();
        foreach (var second in new[] { 0, 10, 20, 30, 60, 61, 70 })
        {
            _time.SetUtcNow(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero).AddSeconds(second));
            results.Add(limiter.Check(Write(), Ravi, limits)?.Code);
        }

        // 0, 10, 20 fill the window; 30 is refused (and not counted); at 60 the write from 0 has left;
        // at 61 the window holds 10, 20, 60; at 70 the write from 10 has left.
        results.Should().Equal(null, null, null, PolicyDenialCodes.RateLimit, null, PolicyDenialCodes.RateLimit, null);
    }

    [Fact]
    public void Check_WritesPerUser_DenialCarriesRuleVersionAndAMessage()
    {
        var limiter = new PolicyLimiter(_time);
        var limits = Limits(rate: new WriteRateLimit(0, TimeSpan.FromMinutes(5)));

        var denial = limiter.Check(Write(), Ravi, limits)!;

        (denial.Code, denial.Rule, denial.PolicyVersion).Should().Be((PolicyDenialCodes.RateLimit, PolicyRuleIds.WritesPerUser, "v-test"));
        denial.Message.Should().Be("Too many changes: at most 0 writes per 5 minutes. Try again later.");
    }

    [Fact]
    public void Check_WritesPerUser_CountsOnlyWritesAndEachUserSeparately()
    {
        var limiter = new PolicyLimiter(_time);
        var limits = Limits(rate: new WriteRateLimit(1, TimeSpan.FromSeconds(60)));

        limiter.Check(Write(), Ravi, limits).Should().BeNull();
        limiter.Check(Read("1"), Ravi, limits).Should().BeNull();
        limiter.Check(Write(), Maria, limits).Should().BeNull();
        limiter.Check(Write(), Ravi with { Tenant = "northwind" }, limits).Should().BeNull();
        limiter.Check(Write(), Ravi, limits)!.Code.Should().Be(PolicyDenialCodes.RateLimit);
    }

    [Fact]
    public void Check_WritesPerUser_IsAtomicUnderConcurrency()
    {
        var limiter = new PolicyLimiter(_time);
        var limits = Limits(rate: new WriteRateLimit(100, TimeSpan.FromSeconds(60)));
        var allowed = 0;

        Parallel.For(0, 1000, _ =>
        {
            if (limiter.Check(Write(), Ravi, limits) is null)
            {
                Interlocked.Increment(ref allowed);
            }
        });

        allowed.Should().Be(100);
    }

    [Theory]
    [InlineData("""{"objectType": "deal", "limit": 100}""", null)]
    [InlineData("""{"objectType": "deal", "limit": 101}""", PolicyDenialCodes.RecordsPerCall)]
    [InlineData("""{"objectType": "deal", "limit": 100.5}""", PolicyDenialCodes.RecordsPerCall)]
    [InlineData("""{"objectType": "deal"}""", null)]
    [InlineData("""{"objectType": "deal", "limit": "500"}""", null)]
    public void Check_RecordsPerCall_DeniesALargerLimitArgument(string arguments, string? code)
    {
        var limiter = new PolicyLimiter(_time);

        var denial = limiter.Check(Call(SearchRecords, Ravi, arguments), Ravi, Limits(records: 100));

        denial?.Code.Should().Be(code);
        if (code is null)
        {
            denial.Should().BeNull();
        }
        else
        {
            (denial!.Rule, denial.Message).Should().Be((PolicyRuleIds.RecordsPerCall, "Ask for at most 100 records per call."));
        }
    }

    [Fact]
    public void Check_DistinctRecordsPerSession_CountsDistinctRecordsPerSession()
    {
        var limiter = new PolicyLimiter(_time);
        var limits = Limits(distinct: 2);

        limiter.Check(Read("1", "s1"), Ravi, limits).Should().BeNull();
        limiter.Check(Read("2", "s1"), Ravi, limits).Should().BeNull();
        limiter.Check(Read("1", "s1"), Ravi, limits).Should().BeNull("a record already touched does not count again");
        limiter.Check(Read("1", "s1", objectType: "DEAL"), Ravi, limits).Should().BeNull("object types compare case-insensitively");
        var denial = limiter.Check(Read("3", "s1"), Ravi, limits);
        limiter.Check(Read("3", "s2"), Ravi, limits).Should().BeNull("another session has its own count");
        limiter.Check(Read("1", "s1", objectType: "contact"), Ravi, limits)!.Code.Should().Be(PolicyDenialCodes.FanOut, "(contact, 1) is another record");

        (denial!.Code, denial.Rule).Should().Be((PolicyDenialCodes.FanOut, PolicyRuleIds.DistinctRecordsPerSession));
    }

    [Fact]
    public void Check_DistinctRecordsWithoutSession_CountsPerUser()
    {
        var limiter = new PolicyLimiter(_time);
        var limits = Limits(distinct: 1);

        limiter.Check(Read("1"), Ravi, limits).Should().BeNull();
        limiter.Check(Read("2"), Maria, limits).Should().BeNull();
        limiter.Check(Read("2"), Ravi, limits)!.Code.Should().Be(PolicyDenialCodes.FanOut);
        limiter.Check(Call(SearchRecords, Ravi, """{"objectType": "deal"}"""), Ravi, limits).Should().BeNull("searches name no record");
    }

    [Fact]
    public void Check_DeniedCall_IsNotRecorded()
    {
        var limiter = new PolicyLimiter(_time);
        var limits = Limits(rate: new WriteRateLimit(1, TimeSpan.FromSeconds(60)), distinct: 1);

        limiter.Check(Write("1", "s1"), Ravi, limits).Should().BeNull();
        limiter.Check(Write("2", "s2"), Ravi, limits)!.Code.Should().Be(PolicyDenialCodes.RateLimit);

        // The refused write to record 2 did not count against session s2.
        limiter.Check(Read("3", "s2"), Ravi, limits).Should().BeNull();
    }

    [Fact]
    public void Check_FanOutDenial_DoesNotConsumeWriteQuota()
    {
        var limiter = new PolicyLimiter(_time);
        var limits = Limits(rate: new WriteRateLimit(2, TimeSpan.FromSeconds(60)), distinct: 1);

        limiter.Check(Write("1", "s1"), Ravi, limits).Should().BeNull();
        limiter.Check(Write("2", "s1"), Ravi, limits)!.Code.Should().Be(PolicyDenialCodes.FanOut);
        limiter.Check(Write("1", "s1"), Ravi, limits).Should().BeNull("the refused write was not counted");
    }

    [Fact]
    public void Check_ManyUsersAndSessions_MemoryStaysBounded()
    {
        var limiter = new PolicyLimiter(_time, maxTrackedKeys: 50, sessionIdleTimeout: TimeSpan.FromMinutes(10));
        var limits = Limits(rate: new WriteRateLimit(5, TimeSpan.FromSeconds(60)), distinct: 5);

        for (var i = 0; i < 1000; i++)
        {
            var user = Ravi with { UserId = "user" + i };
            limiter.Check(Write("1", "session" + i), user, limits).Should().BeNull();
            _time.Advance(TimeSpan.FromMilliseconds(10));
        }

        limiter.TrackedUsers.Should().BeLessThanOrEqualTo(51);
        limiter.TrackedSessions.Should().BeLessThanOrEqualTo(51);
    }

    [Fact]
    public void Check_IdleUsers_AreEvictedFirstAndActiveOnesKeepTheirCount()
    {
        var limiter = new PolicyLimiter(_time, maxTrackedKeys: 10, sessionIdleTimeout: TimeSpan.FromMinutes(10));
        var limits = Limits(rate: new WriteRateLimit(1, TimeSpan.FromSeconds(60)));

        for (var i = 0; i < 9; i++)
        {
            limiter.Check(Write(), Ravi with { UserId = "old" + i }, limits).Should().BeNull();
        }

        _time.Advance(TimeSpan.FromMinutes(2));
        limiter.Check(Write(), Ravi, limits).Should().BeNull();
        limiter.Check(Write(), Ravi with { UserId = "new1" }, limits).Should().BeNull();
        limiter.Check(Write(), Ravi with { UserId = "new2" }, limits).Should().BeNull();

        limiter.TrackedUsers.Should().BeLessThanOrEqualTo(3);
        limiter.Check(Write(), Ravi, limits)!.Code.Should().Be(PolicyDenialCodes.RateLimit, "ravi's write is still in the window");
    }

    [Fact]
    public void Check_NoLimits_NeverDenies()
    {
        var limiter = new PolicyLimiter(_time);

        for (var i = 0; i < 100; i++)
        {
            limiter.Check(Write(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), Ravi, PolicyLimits.None("v")).Should().BeNull();
        }
    }

    [Fact]
    public void Check_DefaultPolicyLimits_ComeFromTheFile()
    {
        var limits = BuiltInPolicy.Load().Limits;

        limits.WritesPerUser.Should().Be(new WriteRateLimit(60, TimeSpan.FromSeconds(60)));
        limits.RecordsPerCall.Should().Be(100);
        limits.DistinctRecordsPerSession.Should().Be(500);
        limits.PolicyVersion.Should().Be(BuiltInPolicy.Load().Version);
    }

    private static PolicyLimits Limits(WriteRateLimit? rate = null, int? records = null, int? distinct = null) => new()
    {
        PolicyVersion = "v-test",
        WritesPerUser = rate,
        RecordsPerCall = records,
        DistinctRecordsPerSession = distinct,
    };

    private static GovernedCall Write(string recordId = "1", string? session = null) =>
        Call(UpdateRecord, Ravi, $$$"""{"objectType": "deal", "recordId": "{{{recordId}}}", "properties": {"amount": 1}}""", origin: Origin(session));

    private static GovernedCall Read(string recordId, string? session = null, string objectType = "deal") =>
        Call(GetRecord, Ravi, $$"""{"objectType": "{{objectType}}", "recordId": "{{recordId}}"}""", origin: Origin(session));

    private static CallOrigin Origin(string? session) => new("client", "1.0", session, "1", null);
}
