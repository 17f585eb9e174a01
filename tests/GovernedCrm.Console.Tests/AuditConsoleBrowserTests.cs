using GovernedCrm.AdminConsole;
using GovernedCrm.Audit.Proofs;
using GovernedCrm.Audit.Records;
using GovernedCrm.Audit.Verification;
using GovernedCrm.Console.Tests.Fixtures;
using GovernedCrm.Governance.Approvals;
using GovernedCrm.Governance.Identity;
using GovernedCrm.Mcp.Governance;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace GovernedCrm.Console.Tests;

/// <summary>
/// The auditor's side of the console in headless Chromium, signed in through the real OpenID provider: the audit
/// browser filtered by record, a record's timeline, one-click verification (valid, then broken at the byte changed
/// under the server), the proof bundle the page downloads checked by the code <c>audit check-proof</c> runs, and
/// another tenant's auditor who sees none of it.
/// </summary>
[Collection(ConsoleBrowserGroup.Name)]
public sealed class AuditConsoleBrowserTests(ConsoleBrowserFixture stack)
{
    private static readonly string[] Rep = ["rep"];

    [Fact]
    public async Task AnAuditor_FiltersByRecord_SeesItsEntries_AndItsTimelineShowsBeforeAfterAndTheApprover()
    {
        var before = await stack.DealAmountAsync("3011");
        var approval = await ApprovedChangeAsync("3011", 65000);
        var page = await stack.SignInAsync("aida");

        page.Url.Should().EndWith("/console/audit", "an auditor lands in the audit trail");
        (await page.Locator(".bar nav").InnerTextAsync()).Should().Contain("Audit trail").And.Contain("Verify").And.NotContain("Approvals");
        await page.Locator("input[name=type]").FillAsync("deal");
        await page.Locator("input[name=id]").FillAsync("3011");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("id=3011", StringComparison.Ordinal));

        var rows = page.Locator("table.entries tbody tr");
        (await rows.CountAsync()).Should().BeGreaterThanOrEqualTo(3, "the proposal, its approval and the change");
        foreach (var row in await rows.AllInnerTextsAsync())
        {
            row.Should().Contain("deal 3011", "the filter keeps this record's entries only");
        }

        var events = await page.Locator("table.entries tbody tr .badge").AllInnerTextsAsync();
        events.Should().Contain(["approved", "executed"]);
        (await page.ContentAsync()).Should().Contain(approval);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ConsoleBrowserFixture.ScreenshotPath("audit") });

        await page.GetByRole(AriaRole.Link, new() { Name = "Open this record's timeline" }).ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/console/audit/record/deal/3011", StringComparison.Ordinal));
        var approved = page.Locator("li[data-event='approved']").Last;
        (await approved.Locator(".decided-by").InnerTextAsync()).Should().Be("maria");
        (await approved.Locator(".requested-by").InnerTextAsync()).Should().Be("ravi");
        var change = page.Locator("li[data-event='executed'] tr[data-property='amount']").Last;
        (await change.Locator("td.after").InnerTextAsync()).Should().Be("65000");
        (await change.Locator("td.before").InnerTextAsync()).Should().Be(before);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ConsoleBrowserFixture.ScreenshotPath("timeline"), FullPage = true });

        await page.Locator("li[data-event='executed'] a.seq").Last.ClickAsync();
        (await page.Locator("pre.body").InnerTextAsync()).Should().Contain("\"recordId\": \"3011\"").And.Contain("\"previousHash\"");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task OneClickVerify_SaysValid_ThenBrokenAtTheChangedEntry_AndTheDownloadedProofIsAcceptedByCheckProof()
    {
        // Entries in northwind's chain (the proposal, the sign-in), enough for a signed checkpoint to cover the first ones.
        await stack.ProposeAsync("nora", Rep, "3501", 75000, tenant: "northwind");
        var page = await stack.SignInAsync("otto");
        await stack.ProposeAsync("nora", Rep, "3501", 76000, tenant: "northwind");

        await page.GotoAsync(new Uri(stack.BaseUrl, "console/verify").AbsoluteUri);
        (await page.Locator(".checkpoint-size").InnerTextAsync()).Should().MatchRegex(@"^\d+ entries$", "the latest signed checkpoint is shown");
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify now" }).ClickAsync();
        var verdict = await VerdictAsync(page);
        (await verdict.GetAttributeAsync("class")).Should().Be("verdict valid", await verdict.InnerTextAsync());
        (await verdict.Locator(".headline").InnerTextAsync()).Should().MatchRegex(@"^chain valid: \d+ entries walked in \d+ ms$");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ConsoleBrowserFixture.ScreenshotPath("verify") });

        // The proof of entry 1, downloaded from its page, is what check-proof accepts.
        await page.GotoAsync(new Uri(stack.BaseUrl, "console/audit/entry/1").AbsoluteUri);
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download inclusion proof" }).ClickAsync());
        download.SuggestedFilename.Should().Be("audit-proof-northwind-1.json");
        var file = Path.Combine(stack.Folder, "downloaded-proof.json");
        await download.SaveAsAsync(file);
        var bundle = InclusionProofBundleFile.Read(await File.ReadAllTextAsync(file))!;
        AuditProofs.Check(bundle, stack.AuditPublicKey, out var proved, out var problem).Should().BeTrue(problem);
        proved!.Sequence.Should().Be(1);
        proved.Record.Tenant.Should().Be("northwind");

        // One byte of entry 2's body changed under the running server: the next walk stops there.
        await using (await stack.TamperAsync("northwind", 2))
        {
            await page.GotoAsync(new Uri(stack.BaseUrl, "console/verify").AbsoluteUri);
            await page.GetByRole(AriaRole.Button, new() { Name = "Verify now" }).ClickAsync();
            var broken = await VerdictAsync(page);
            (await broken.GetAttributeAsync("class")).Should().Be("verdict broken", await broken.InnerTextAsync());
            (await broken.Locator(".headline").InnerTextAsync()).Should().Be($"chain broken at position 2: {VerifyCodes.BodyHashMismatch}");
            (await page.Locator(".verdict.broken a").GetAttributeAsync("href")).Should().Be("/console/audit/entry/2");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = ConsoleBrowserFixture.ScreenshotPath("verify-broken") });
        }

        var runs = (await stack.AuditEntriesAsync()).Where(e => e.Record.Tool == ConsoleAuditRecords.VerifyTool && e.Record.Actor == "otto").ToList();
        runs.Select(e => e.Record.Outcome).Should().Contain(["valid", "broken:" + VerifyCodes.BodyHashMismatch], "every verify run is an audit entry");
        runs.Should().OnlyContain(e => e.Record.Tenant == "northwind");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task AnotherTenantsAuditor_SeesNoneOfTheseEntries_NorTheirChain()
    {
        var ours = await ApprovedChangeAsync("3012", 66000);
        var theirs = await stack.ProposeAsync("nora", Rep, "3501", 77000, tenant: "northwind");

        var otto = await stack.SignInAsync("otto");
        await otto.GotoAsync(new Uri(stack.BaseUrl, "console/audit?type=deal&id=3012").AbsoluteUri);
        (await otto.Locator("table.entries").CountAsync()).Should().Be(0, "default's record has no entry in northwind's chain");
        await otto.GotoAsync(new Uri(stack.BaseUrl, "console/audit").AbsoluteUri);
        var html = await otto.ContentAsync();
        html.Should().Contain(theirs).And.NotContain(ours);
        (await otto.Locator("table.entries").InnerTextAsync()).Should().NotContain("deal 30", "none of default's deals");
        await otto.GotoAsync(new Uri(stack.BaseUrl, "console/audit/record/deal/3012").AbsoluteUri);
        (await otto.Locator("main").InnerTextAsync()).Should().Contain("holds no change");
        await otto.GotoAsync(new Uri(stack.BaseUrl, "console/verify").AbsoluteUri);
        html = await otto.ContentAsync();
        html.Should().Contain("northwind").And.NotContain("governed-crm/audit/default").And.NotContain("tenant <strong>default");

        var aida = await stack.SignInAsync("aida");
        await aida.GotoAsync(new Uri(stack.BaseUrl, "console/audit?tool=CRM.UpdateRecord").AbsoluteUri);
        html = await aida.ContentAsync();
        html.Should().Contain(ours).And.NotContain(theirs);
        (await aida.Locator("table.entries").InnerTextAsync()).Should().NotContain("deal 3501");
        await aida.GotoAsync(new Uri(stack.BaseUrl, "console/audit/record/deal/3501").AbsoluteUri);
        (await aida.Locator("main").InnerTextAsync()).Should().Contain("holds no change");
        await otto.Context.CloseAsync();
        await aida.Context.CloseAsync();
    }

    // The verdict once the walk is done: the job's page reloads itself (meta refresh) until then.
    private static async Task<ILocator> VerdictAsync(IPage page)
    {
        await page.WaitForURLAsync(url => url.Contains("/console/verify/", StringComparison.Ordinal));
        var done = page.Locator(".verdict:not(.running)");
        await done.WaitForAsync(new() { Timeout = 60_000 });
        return done;
    }

    // A change of a deal's amount proposed by ravi over MCP, approved by maria through the approval service and run by
    // the dispatcher every approval runs through.
    private async Task<string> ApprovedChangeAsync(string deal, decimal amount)
    {
        var id = await stack.ProposeAsync("ravi", Rep, deal, amount);
        var maria = new CallerIdentity("maria", "default", ["manager"], "token");
        (await stack.App.Services.GetRequiredService<ApprovalService>().DecideAsync(new ApprovalDecision(id, maria, true, null, null, null), CancellationToken.None))
            .Succeeded.Should().BeTrue();
        (await stack.App.Services.GetRequiredService<ApprovedProposalDispatcher>().ExecuteAsync(id, CancellationToken.None))!.Status.Should().Be(ApprovalStatus.Executed);
        return id;
    }
}
