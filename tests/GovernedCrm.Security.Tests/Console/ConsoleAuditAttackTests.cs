using System.Net;
using GovernedCrm.AdminConsole;
using GovernedCrm.AdminConsole.Trail;
using GovernedCrm.Audit.Records;
using GovernedCrm.Governance.Audit;
using GovernedCrm.Governance.Policy;
using GovernedCrm.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace GovernedCrm.Security.Tests.Console;

/// <summary>
/// The console's audit pages under attack: none answers without a session; verification is a POST that needs the
/// antiforgery token (and a refused one leaves no run in the audit trail); and a value the reader may not read never
/// reaches the audit browser, the timeline, the entry page, or a proof bundle (which carries the whole signed body,
/// so it is refused for such an entry). Auditors in this policy may not read a deal's name.
/// </summary>
public sealed class ConsoleAuditAttackTests
{
    private const string Canary = "CANARY-auditname-51c0de";

    private static readonly string[] AuditRoutes =
    [
        "/console/audit", "/console/audit?type=deal&id=3017", "/console/audit/record/deal/3017", "/console/audit/entry/0",
        "/console/audit/entry/0?handler=proof", "/console/verify", "/console/verify/0123456789abcdef",
    ];

    [Fact]
    public async Task TheAuditRoutes_WithoutASession_RedirectToSignIn_AndShowNothing()
    {
        await using var server = await HttpTestServer.StartAsync();
        using var anonymous = new ConsoleSession(server);

        foreach (var route in AuditRoutes)
        {
            using var answer = await anonymous.GetAsync(route);
            answer.StatusCode.Should().Be(HttpStatusCode.Found, route);
            answer.Headers.Location!.OriginalString.Should().Contain("/console/signin", route);
            (await answer.Content.ReadAsStringAsync()).Should().BeEmpty();
        }

        using var post = await anonymous.PostAsync("/console/verify", new Dictionary<string, string>());
        (post.StatusCode is HttpStatusCode.Found or HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest).Should().BeTrue($"a verify POST without a session answered {(int)post.StatusCode}");
        (await server.AuditEntriesAsync()).Should().NotContain(e => e.Record.Tool == ConsoleAuditRecords.VerifyTool);
    }

    [Fact]
    public async Task AVerifyPost_WithoutTheAntiforgeryToken_IsRefused_AndRunsNothing()
    {
        await using var server = await HttpTestServer.StartAsync();
        using var aida = new ConsoleSession(server);
        await aida.SignInAsync("aida");
        (await aida.GetStringAsync("/console/verify")).Should().Contain("Verify now");

        using var withoutToken = await aida.PostAsync("/console/verify", new Dictionary<string, string>());
        using var forgedToken = await aida.PostAsync("/console/verify", new Dictionary<string, string> { ["__csrf"] = "CfDJ8forged" });

        withoutToken.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        forgedToken.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await server.AuditEntriesAsync()).Should().NotContain(e => e.Record.Tool == ConsoleAuditRecords.VerifyTool, "no walk started");

        // With the page's token the same POST starts a walk: the refusal above was the token's doing.
        var csrf = ConsoleSession.Csrf(await aida.GetStringAsync("/console/verify"));
        using var withToken = await aida.PostAsync("/console/verify", new Dictionary<string, string> { ["__csrf"] = csrf });
        withToken.StatusCode.Should().Be(HttpStatusCode.Redirect);
        withToken.Headers.Location!.OriginalString.Should().StartWith("/console/verify/");
    }

    [Fact]
    public async Task ARedactedValue_NeverReachesTheAuditPages_NorAProofBundle_ForAReaderWhoMayNotReadIt()
    {
        await using var server = await HttpTestServer.StartAsync(policy: AuditorsMayNotReadDealNames());
        var trail = server.App.Services.GetRequiredService<IAuditTrail>();
        var receipt = await trail.AppendAsync(new AuditRecord
        {
            Tenant = "default",
            Event = AuditEventType.Executed,
            Action = AuditActionType.Write,
            Actor = "ravi",
            ExecutionId = "exec-canary",
            Tool = "CRM.UpdateRecord",
            TargetSystem = "crm",
            ObjectType = "deal",
            RecordId = "3017",
            PreviousValues = $$"""{"dealname":"{{Canary}}-before","amount":52000}""",
            ProposedValues = $$"""{"dealname":"{{Canary}}","amount":60000}""",
            Result = $$$"""{"outcome":"executed","after":{"dealname":"{{{Canary}}}","amount":60000}}""",
            Reasoning = $"Renamed to {Canary} as the customer asked.",
            Outcome = "executed",
        }, CancellationToken.None);
        using var aida = new ConsoleSession(server);
        await aida.SignInAsync("aida");

        var pages = new List<string>
        {
            await aida.GetStringAsync("/console/audit"),
            await aida.GetStringAsync("/console/audit?type=deal&id=3017"),
            await aida.GetStringAsync("/console/audit/record/deal/3017"),
            await aida.GetStringAsync($"/console/audit/entry/{receipt.Sequence}"),
        };
        using var proof = await aida.GetAsync($"/console/audit/entry/{receipt.Sequence}?handler=proof");
        pages.Add(await proof.Content.ReadAsStringAsync());

        pages[1].Should().Contain($"data-seq=\"{receipt.Sequence}\"", "the entry is listed");
        pages[2].Should().Contain(FieldRedaction.Redacted, "the timeline shows the name was changed, not to what");
        pages[3].Should().Contain(FieldRedaction.Redacted).And.Contain("60000", "only the unreadable value is hidden");
        proof.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        pages[4].Should().Contain(ProofDownload.RedactedCode);
        foreach (var html in pages)
        {
            html.Should().NotContain(Canary, "a value the reader may not read never reaches an audit page, not even inside the reason");
        }
    }

    // The default policy, with auditors unable to read a deal's name.
    private static ServerPolicy AuditorsMayNotReadDealNames()
    {
        var yaml = BuiltInPolicy.Text().Replace("fields:\n", "fields:\n  - id: auditors-no-deal-names\n    roles: [auditor]\n    objects: [deal]\n    deny_read: [dealname]\n\n", StringComparison.Ordinal);
        var loaded = PolicyLoader.Load(yaml, "default+auditors-no-deal-names");
        loaded.Policy.Should().NotBeNull(string.Join("; ", loaded.Errors));
        return new ServerPolicy(loaded.Policy!, null);
    }
}
