using GovernedCrm.Store.Vault;
using GovernedCrm.Audit.Records;
using System.Net;
using System.Text.Json;
using GovernedCrm.AdminConsole;
using GovernedCrm.AdminConsole.SignIn;
using GovernedCrm.Governance.Approvals;
using GovernedCrm.Governance.Audit;
using GovernedCrm.Governance.Identity;
using GovernedCrm.Governance.Policy;
using GovernedCrm.Hosting;
using GovernedCrm.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace GovernedCrm.Security.Tests.Console;

/// <summary>
/// The admin console under attack, on <c>serve --http</c>'s host without an issuer (sign-in by one-time links): no page
/// without a session, no state change without the antiforgery token, a link that works once and expires, nothing
/// secret or redacted in any page's source, and the headers that keep the page from being framed or scripted.
/// Managers in this policy may not read a deal's name, so a canary in it must never reach a manager's page.
/// </summary>
public sealed class ConsoleAttackTests
{
    private const string Canary = "CANARY-dealname-7f3a91";

    // Pages anyone may open: they show how to sign in, and nothing else.
    private static readonly HashSet<string> Anonymous = new(StringComparer.Ordinal)
    {
        "/console/signin", "/console/signed-in", "/console/link", ConsoleEndpointRouteBuilderExtensions.StylesheetPath,
    };

    [Fact]
    public async Task EveryConsoleRoute_WithoutASession_RedirectsToSignInOrAnswers401()
    {
        await using var server = await HttpTestServer.StartAsync();
        var routes = ((IEndpointRouteBuilder)server.App).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/'))
            .Where(p => p.StartsWith("/console", StringComparison.Ordinal))
            .Select(p => System.Text.RegularExpressions.Regex.Replace(p, @"\{[^}]+\}", "1")) // A route's parameters get a value its constraints accept.
            .Distinct().ToList();
        routes.Should().Contain(["/console", "/console/approvals", "/console/signout", "/console/audit", "/console/audit/entry/1", "/console/audit/record/1/1", "/console/verify/1"], "the guarded pages are mapped");
        using var anonymous = new ConsoleSession(server);

        foreach (var route in routes.Where(r => !Anonymous.Contains(r)))
        {
            foreach (var answer in new[] { await anonymous.GetAsync(route), await anonymous.PostAsync(route + "?handler=approve", new Dictionary<string, string> { ["id"] = "apr_x" }) })
            {
                using (answer)
                {
                    var redirected = answer.StatusCode == HttpStatusCode.Found && answer.Headers.Location!.OriginalString.Contains("/console/signin", StringComparison.Ordinal);
                    (redirected || answer.StatusCode == HttpStatusCode.Unauthorized).Should().BeTrue($"{answer.RequestMessage!.Method} {route} answered {(int)answer.StatusCode} without a session");
                    (await answer.Content.ReadAsStringAsync()).Should().BeEmpty();
                }
            }
        }
    }

    [Fact]
    public async Task APostWithoutTheAntiforgeryToken_IsRefused_AndDecidesNothing()
    {
        await using var server = await HttpTestServer.StartAsync(policy: ManagersMayNotReadDealNames());
        var proposal = await ProposeAsync(server);
        using var maria = new ConsoleSession(server);
        await maria.SignInAsync("maria");
        var page = await maria.GetStringAsync("/console/approvals");
        page.Should().Contain(proposal.Id);

        using var withoutToken = await maria.PostAsync("/console/approvals?handler=approve", new Dictionary<string, string> { ["id"] = proposal.Id });
        using var forgedToken = await maria.PostAsync("/console/approvals?handler=approve", new Dictionary<string, string> { ["id"] = proposal.Id, ["__csrf"] = "CfDJ8forged" });
        using var noTokenSignOut = await maria.PostAsync("/console/signout", new Dictionary<string, string>());

        withoutToken.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        forgedToken.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        noTokenSignOut.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var service = server.App.Services.GetRequiredService<ApprovalService>();
        (await service.FindAsync(proposal.Id, Maria, CancellationToken.None))!.Status.Should().Be(ApprovalStatus.Pending);
        (await server.AuditEntriesAsync()).Should().NotContain(e => e.Record.Event == AuditEventType.Approved);

        // The same POST with the page's token is the one that decides.
        using var real = await maria.PostAsync("/console/approvals?handler=approve", new Dictionary<string, string> { ["id"] = proposal.Id, ["__csrf"] = ConsoleSession.Csrf(page) });
        real.StatusCode.Should().Be(HttpStatusCode.OK);
        (await service.FindAsync(proposal.Id, Maria, CancellationToken.None))!.Status.Should().NotBe(ApprovalStatus.Pending);
    }

    [Fact]
    public async Task AConsoleLink_FromTheCli_WorksOnce_AndAnExpiredOneNever()
    {
        await using var server = await HttpTestServer.StartAsync();
        var policy = Path.Combine(server.Folder, "cli-policy.yaml");
        File.WriteAllText(policy, BuiltInPolicy.Text().TrimEnd() + $"\n\ncli_users:\n  {Environment.UserName}: {{ user: adam, act_as: [maria] }}\n");
        var (exit, stdout, stderr) = await ServerProcess.RunAsync(["console-link", "--user", "maria", "--data", server.Folder, "--policy", policy]);
        exit.Should().Be(0, stderr);
        var url = new Uri(stdout.Trim());
        url.AbsolutePath.Should().Be(ConsoleLinkTokens.Path);
        var token = url.Query["?token=".Length..];
        stderr.Should().Contain("works once").And.NotContain(token);

        using var first = new ConsoleSession(server);
        using var once = await first.UseLinkAsync(token);
        once.StatusCode.Should().Be(HttpStatusCode.Found);
        (await first.GetStringAsync("/console/approvals")).Should().Contain("<span class=\"user\">maria</span>");

        using var second = new ConsoleSession(server);
        using var twice = await second.UseLinkAsync(token);
        twice.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await twice.Content.ReadAsStringAsync()).Should().Contain(GovernedCrm.AdminConsole.Pages.LinkModel.InvalidCode);
        (await second.GetAsync("/console/approvals")).StatusCode.Should().Be(HttpStatusCode.Found, "the refused link opened no session");

        var past = new FakeTimeProvider(TimeProvider.System.GetUtcNow().AddMinutes(-10));
        var expired = await ConsoleSession.IssueLinkAsync(server, "maria", past, TimeSpan.FromMinutes(5));
        using var late = new ConsoleSession(server);
        using var tooLate = await late.UseLinkAsync(expired);
        tooLate.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await tooLate.Content.ReadAsStringAsync()).Should().Contain(GovernedCrm.AdminConsole.Pages.LinkModel.ExpiredCode);

        using var garbage = new ConsoleSession(server);
        (await garbage.UseLinkAsync("not-a-token")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        var entries = await server.AuditEntriesAsync();
        entries.Should().Contain(e => e.Record.Tool == ConsoleAuditRecords.IssueLinkTool && e.Record.Actor == "adam" && e.Record.OnBehalfOf == "os:" + Environment.UserName);
        entries.Should().ContainSingle(e => e.Record.Tool == ConsoleAuditRecords.SignInTool && e.Record.Outcome == "signed_in:link" && e.Record.Actor == "maria");
        entries.Should().Contain(e => e.Record.Outcome == "denied:" + GovernedCrm.AdminConsole.Pages.LinkModel.InvalidCode);
        entries.Should().Contain(e => e.Record.Outcome == "denied:" + GovernedCrm.AdminConsole.Pages.LinkModel.ExpiredCode && e.Record.Actor == "maria");
        var hash = ConsoleLinkTokens.Hash(token);
        entries.Should().NotContain(e => JsonSerializer.Serialize(e.Record, (JsonSerializerOptions?)null).Contains(token, StringComparison.Ordinal)
            || JsonSerializer.Serialize(e.Record, (JsonSerializerOptions?)null).Contains(hash, StringComparison.Ordinal));
        var database = await File.ReadAllBytesAsync(Path.Combine(server.Folder, GovernanceDatabase.FileName));
        System.Text.Encoding.Latin1.GetString(database).Should().NotContain(token, "only the token's hash is stored");
    }

    [Fact]
    public async Task ThePageSource_NeverHoldsARedactedValue_AVaultToken_TheSigningKey_OrASessionSecret()
    {
        await using var server = await HttpTestServer.StartAsync(policy: ManagersMayNotReadDealNames());
        var pending = await ProposeAsync(server);
        var rejected = await ProposeAsync(server);
        var service = server.App.Services.GetRequiredService<ApprovalService>();
        (await service.DecideAsync(new ApprovalDecision(rejected.Id, Adam, false, null, $"Not {Canary}, the other one.", null), CancellationToken.None)).Succeeded.Should().BeTrue();

        // The signed-in user's own CRM token sits in the vault: nothing of it may reach a page.
        const string VaultCanary = "vault-token-canary-7f3e91";
        var vault = await SqliteTokenVault.OpenAsync(server.Folder, null, TimeProvider.System, null, CancellationToken.None);
        await vault.StoreAsync("maria", "hubspot", System.Text.Encoding.UTF8.GetBytes($"{{\"access_token\":\"{VaultCanary}\"}}"), CancellationToken.None);

        using var maria = new ConsoleSession(server);
        await maria.SignInAsync("maria");

        var pages = new[] { await maria.GetStringAsync("/console/approvals"), await maria.GetStringAsync("/console/approvals?tab=decided"), await maria.GetStringAsync("/console") };
        foreach (var html in pages)
        {
            html.Should().NotContain(VaultCanary, "a vault token is never rendered");
        }

        pages[0].Should().Contain(pending.Id).And.Contain(FieldRedaction.Redacted);
        pages[1].Should().Contain(rejected.Id);
        var key = await File.ReadAllTextAsync(server.Resources.AuditPaths.KeyFilePath);
        var cookies = maria.Cookies.GetAllCookies().Select(c => c.Value).Where(v => v.Length > 8).ToList();
        cookies.Should().NotBeEmpty();
        foreach (var html in pages)
        {
            html.Should().NotContain(Canary, "a value the reader may not read never reaches the page, not even inside the reason or the note");
            html.Should().NotContain(key.Trim()[..Math.Min(40, key.Trim().Length)]);
            foreach (var cookie in cookies)
            {
                html.Should().NotContain(cookie, "no session or link secret is rendered");
            }
        }
    }

    [Fact]
    public async Task ConsoleResponses_CarryCsp_Nosniff_AndFrameAncestorsNone()
    {
        await using var server = await HttpTestServer.StartAsync();
        using var maria = new ConsoleSession(server);
        var answers = new List<HttpResponseMessage> { await maria.GetAsync("/console/signin"), await maria.GetAsync("/console/approvals"), await maria.GetAsync("/console/link?token=x") };
        await maria.SignInAsync("maria");
        answers.Add(await maria.GetAsync("/console/approvals"));
        answers.Add(await maria.GetAsync("/console"));

        foreach (var answer in answers)
        {
            var csp = string.Join(";", answer.Headers.GetValues("Content-Security-Policy"));
            csp.Should().Contain("default-src 'none'").And.Contain("frame-ancestors 'none'").And.NotContain("unsafe-inline").And.NotContain("script-src");
            answer.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
            answer.Headers.GetValues("X-Frame-Options").Should().Equal("DENY");
            answer.Headers.GetValues("Referrer-Policy").Should().Equal("no-referrer");
            answer.Dispose();
        }

        var html = await maria.GetStringAsync("/console/approvals");
        html.Should().NotContain("<script").And.NotContain("style=");
        html.Should().NotMatchRegex(@"\son[a-z]+\s*=", "no inline event handlers");
        var cookie = maria.Cookies.GetAllCookies().Single(c => c.Name == GovernedCrm.AdminConsole.Security.ConsoleSchemes.SessionCookie);
        cookie.HttpOnly.Should().BeTrue();
        cookie.Path.Should().Be("/console");
    }

    private static readonly CallerIdentity Maria = new("maria", "default", ["manager"], "local");

    private static readonly CallerIdentity Adam = new("adam", "default", ["admin", "manager"], "local");

    // The default policy, with managers unable to read a deal's name: a canary there must never reach a manager's page.
    private static ServerPolicy ManagersMayNotReadDealNames()
    {
        var yaml = BuiltInPolicy.Text().Replace("fields:\n", "fields:\n  - id: managers-no-deal-names\n    roles: [manager]\n    objects: [deal]\n    deny_read: [dealname]\n\n", StringComparison.Ordinal)
            .Replace("adam:  { roles: [admin],", "adam:  { roles: [admin, manager],", StringComparison.Ordinal);
        var loaded = PolicyLoader.Load(yaml, "default+managers-no-deal-names");
        loaded.Policy.Should().NotBeNull(string.Join("; ", loaded.Errors));
        return new ServerPolicy(loaded.Policy!, null);
    }

    // A proposal by ravi that renames deal 3017 to the canary (and says so in its reason), queued as the approval step queues it.
    private static async Task<ApprovalRequest> ProposeAsync(HttpTestServer server)
    {
        var now = TimeProvider.System.GetUtcNow();
        var arguments = $$"""{"objectType":"deal","recordId":"3017","properties":{"amount":60000,"dealname":"{{Canary}}"},"reason":"Renamed to {{Canary}} as the customer asked.","confidence":0.9}""";
        var request = new ApprovalRequest
        {
            Id = ApprovalIds.New(),
            Tenant = "default",
            Requester = "ravi",
            RequesterRoles = "rep",
            Tool = "CRM.UpdateRecord",
            ObjectType = "deal",
            RecordId = "3017",
            ArgumentsJson = arguments,
            ArgumentsDigest = AuditRecords.ArgumentsDigest(JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(arguments)!),
            BeforeJson = $$"""{"amount":"52000","dealname":"{{Canary}}-before"}""",
            RecordVersion = 1,
            Reason = $"Renamed to {Canary} as the customer asked.",
            Confidence = 0.9,
            Rule = "big-deals",
            Route = ApprovalRoute.Role,
            ApproverRole = "manager",
            ApprovalReason = "Changes to deals over 50,000 need a manager's approval.",
            PolicyVersion = "test",
            ExecutionId = "exec-" + Guid.NewGuid().ToString("N"),
            CreatedAt = now,
            ExpiresAt = now.AddHours(24),
        };
        return await server.App.Services.GetRequiredService<ApprovalService>().SubmitAsync(request, CancellationToken.None);
    }
}
