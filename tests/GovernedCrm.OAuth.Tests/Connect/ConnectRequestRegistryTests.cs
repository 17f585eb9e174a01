using GovernedCrm.OAuth.Connect;
using Microsoft.Extensions.Time.Testing;

namespace GovernedCrm.OAuth.Tests.Connect;

/// <summary>Pending connect requests: one per user and provider, random ids and states, expiry, completion callbacks.</summary>
public sealed class ConnectRequestRegistryTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));

    [Fact]
    public void AskingAgain_GivesTheSamePendingRequest_OtherUsersOrProvidersGetTheirOwn()
    {
        var registry = new ConnectRequestRegistry(_time);

        var first = registry.GetOrCreate("alice", "hubspot");

        registry.GetOrCreate("alice", "hubspot").Should().BeSameAs(first);
        registry.GetOrCreate("bob", "hubspot").Id.Should().NotBe(first.Id);
        registry.GetOrCreate("alice", "salesforce").Id.Should().NotBe(first.Id);
        first.Id.Should().MatchRegex("^[A-Za-z0-9_-]{43}$", "32 random bytes, base64url");
        first.Id.Should().NotContain("alice");
    }

    [Fact]
    public void ARequest_ExpiresAfterItsLifetime()
    {
        var registry = new ConnectRequestRegistry(_time, TimeSpan.FromMinutes(10));
        var request = registry.GetOrCreate("alice", "hubspot");

        _time.Advance(TimeSpan.FromMinutes(9));
        registry.Find(request.Id).Should().BeSameAs(request);
        _time.Advance(TimeSpan.FromMinutes(2));
        registry.Find(request.Id).Should().BeNull();
        registry.GetOrCreate("alice", "hubspot").Id.Should().NotBe(request.Id);
    }

    [Fact]
    public void States_FindOnlyTheirOwnStep_AndVerifiersAreTakenOnce()
    {
        var registry = new ConnectRequestRegistry(_time);
        var request = registry.GetOrCreate("alice", "hubspot");

        var (binding, signInState) = registry.BeginSignIn(request);
        request.SignInVerifier = "sign-in-verifier";
        binding.Should().NotBe(signInState);
        registry.FindBySignInState(signInState).Should().BeSameAs(request);
        registry.FindByCrmState(signInState).Should().BeNull();
        registry.FindBySignInState("forged").Should().BeNull();
        ConnectRequestRegistry.TakeSignInVerifier(request).Should().Be("sign-in-verifier");
        ConnectRequestRegistry.TakeSignInVerifier(request).Should().BeNull("a replayed sign-in callback gets nothing");

        var crmState = registry.BeginCrmAuthorization(request);
        request.CrmVerifier = "crm-verifier";
        registry.FindByCrmState(crmState).Should().BeSameAs(request);
        ConnectRequestRegistry.TakeCrmVerifier(request).Should().Be("crm-verifier");
        ConnectRequestRegistry.TakeCrmVerifier(request).Should().BeNull();
    }

    [Fact]
    public async Task Completion_RunsTheCallbacksOnce_AndForgetsTheRequest()
    {
        var registry = new ConnectRequestRegistry(_time);
        var request = registry.GetOrCreate("alice", "hubspot");
        var state = registry.BeginCrmAuthorization(request);
        var calls = 0;
        registry.OnCompleted(request.Id, _ => { calls++; return Task.CompletedTask; });
        registry.OnCompleted(request.Id, _ => throw new InvalidOperationException("client went away"));

        var failures = await registry.CompleteAsync(request, succeeded: true, CancellationToken.None);

        calls.Should().Be(1);
        failures.Should().ContainSingle().Which.Message.Should().Be("client went away");
        registry.Find(request.Id).Should().BeNull();
        registry.FindByCrmState(state).Should().BeNull();
        (await registry.CompleteAsync(request, succeeded: true, CancellationToken.None)).Should().BeEmpty();
        calls.Should().Be(1);
    }

    [Fact]
    public async Task AFailedRequest_DropsItsCallbacksWithoutRunningThem()
    {
        var registry = new ConnectRequestRegistry(_time);
        var request = registry.GetOrCreate("alice", "hubspot");
        var calls = 0;
        registry.OnCompleted(request.Id, _ => { calls++; return Task.CompletedTask; });

        await registry.CompleteAsync(request, succeeded: false, CancellationToken.None);

        calls.Should().Be(0);
        registry.Find(request.Id).Should().BeNull();
    }
}
