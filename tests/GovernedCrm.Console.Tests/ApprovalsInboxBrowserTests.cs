using GovernedCrm.Audit.Records;
using GovernedCrm.Console.Tests.Fixtures;
using GovernedCrm.Governance.Approvals;
using GovernedCrm.Governance.Audit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace GovernedCrm.Console.Tests;

/// <summary>
/// The approvals inbox in headless Chromium, signed in through the real OpenID provider: each decision is taken by
/// clicking, and checked where it counts (the CRM file, the approval queue, the audit chain).
/// </summary>
[Collection(ConsoleBrowserGroup.Name)]
public sealed class ApprovalsInboxBrowserTests(ConsoleBrowserFixture stack)
{
    private static readonly string[] Rep = ["rep"];

    [Fact]
    public async Task ApproveOne_RejectOneWithReason_EditThenApproveOne_TheCrmFileHoldsExactlyTheDecidedValues()
    {
        var approve = await stack.ProposeAsync("ravi", Rep, "3002", 60000);
        var reject = await stack.ProposeAsync("ravi", Rep, "3003", 61000);
        var edit = await stack.ProposeAsync("ravi", Rep, "3004", 62000);
        var rejectedBefore = await stack.DealAmountAsync("3003");
        var page = await stack.SignInAsync("maria");

        page.Url.Should().EndWith("/console/approvals", "a manager lands in the inbox");
        var card = Card(page, approve);
        (await card.Locator("h2").InnerTextAsync()).Should().Contain("CRM.UpdateRecord").And.Contain("deal 3002");
        (await card.Locator("table.changes tbody tr").First.InnerTextAsync()).Should().Contain("amount").And.Contain("60000");
        (await card.InnerTextAsync()).Should().Contain("ravi").And.Contain("big-deals").And.Contain("confidence 82%").And.Contain("left");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ConsoleBrowserFixture.ScreenshotPath("inbox"), FullPage = false });

        await card.GetByRole(AriaRole.Button, new() { Name = "Approve", Exact = true }).ClickAsync();
        (await page.Locator(".notice.ok").First.InnerTextAsync()).Should().Contain(approve).And.Contain("the change was made");

        var rejecting = Card(page, reject);
        await rejecting.GetByPlaceholder("Reason for rejecting").FillAsync("Wrong customer: this is the renewal, not the upsell.");
        await rejecting.GetByRole(AriaRole.Button, new() { Name = "Reject", Exact = true }).ClickAsync();
        (await page.Locator(".notice.ok").First.InnerTextAsync()).Should().Contain("Rejected " + reject);

        var editing = Card(page, edit);
        await editing.Locator("details.edit summary").ClickAsync();
        await editing.Locator("input[name='values[amount]']").FillAsync("45000");
        await editing.GetByRole(AriaRole.Button, new() { Name = "Approve with these values" }).ClickAsync();
        (await page.Locator(".notice.ok").First.InnerTextAsync()).Should().Contain("Approved with your edits " + edit);

        (await stack.DealAmountAsync("3002")).Should().Be("60000");
        (await stack.DealAmountAsync("3003")).Should().Be(rejectedBefore, "a rejected proposal never runs");
        (await stack.DealAmountAsync("3004")).Should().Be("45000", "the approver's value ran, not the proposed 62000");

        await page.GotoAsync(new Uri(stack.BaseUrl, "console/approvals?tab=decided").AbsoluteUri);
        (await page.Locator($"tr[data-approval='{approve}'] .badge").InnerTextAsync()).Should().Be("executed");
        (await page.Locator($"tr[data-approval='{reject}']").InnerTextAsync()).Should().Contain("rejected").And.Contain("Wrong customer");
        (await page.Locator($"tr[data-approval='{edit}']").InnerTextAsync()).Should().Contain("45000").And.Contain("proposed 62000");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ConsoleBrowserFixture.ScreenshotPath("decided") });

        var entries = await stack.AuditEntriesAsync();
        entries.Should().Contain(e => e.Record.Tool == "Console.SignIn" && e.Record.Actor == "maria" && e.Record.Outcome == "signed_in:oidc");
        var decisions = entries.Where(e => e.Record.Event is AuditEventType.Approved or AuditEventType.Rejected && e.Record.Approver == "maria").ToList();
        decisions.Should().Contain(e => e.Record.Event == AuditEventType.Approved && e.Record.Outcome!.Contains(approve, StringComparison.Ordinal) && e.Record.OnBehalfOf == "console");
        decisions.Should().Contain(e => e.Record.Event == AuditEventType.Rejected && e.Record.Outcome!.Contains(reject, StringComparison.Ordinal));
        decisions.Should().Contain(e => e.Record.Outcome!.StartsWith("approved:edited", StringComparison.Ordinal) && e.Record.Outcome.Contains(edit, StringComparison.Ordinal));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task BulkApproveThree_RunsThree_AndTheAuditHoldsOneBulkDecision()
    {
        string[] ids = [await stack.ProposeAsync("ravi", Rep, "3005", 70000), await stack.ProposeAsync("ravi", Rep, "3006", 71000), await stack.ProposeAsync("ravi", Rep, "3007", 72000)];
        var page = await stack.SignInAsync("maria");

        foreach (var id in ids)
        {
            await Card(page, id).Locator("input[type=checkbox][name=ids]").CheckAsync();
        }

        await page.Locator("form#bulk").GetByRole(AriaRole.Button, new() { Name = "Approve selected" }).ClickAsync();

        (await page.Locator(".notice.ok").First.InnerTextAsync()).Should().StartWith("Bulk decision bulk_").And.Contain("3 approved");
        (await stack.DealAmountAsync("3005")).Should().Be("70000");
        (await stack.DealAmountAsync("3006")).Should().Be("71000");
        (await stack.DealAmountAsync("3007")).Should().Be("72000");
        var entries = await stack.AuditEntriesAsync();
        var approvals = entries.Where(e => e.Record.Event == AuditEventType.Approved && ids.Any(id => e.Record.Outcome!.Contains(id, StringComparison.Ordinal))).ToList();
        approvals.Should().HaveCount(3);
        approvals.Select(e => e.Record.Outcome!.Split(';')[1].Split(':')[0]).Should().AllBe("bulk");
        approvals.Select(e => e.Record.Outcome!.Split(';')[1].Split(':', 2)[1].Split(ApprovalDecisionEntry.ApprovalTag)[0]).Distinct().Should().ContainSingle("one bulk decision");
        entries.Count(e => e.Record.Event == AuditEventType.Executed && e.Record.Tool == "CRM.UpdateRecord" && ids.Any(id => e.Record.Outcome!.Contains(id, StringComparison.Ordinal)))
            .Should().Be(3, "each approved proposal ran once, through the pipeline");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ARequester_SeesTheirOwnProposal_ButCannotDecideIt()
    {
        var own = await stack.ProposeAsync("maria", ["manager", "rep"], "3008", 80000);
        var before = await stack.DealAmountAsync("3008");
        var page = await stack.SignInAsync("maria");

        var card = Card(page, own);
        (await card.InnerTextAsync()).Should().Contain("You proposed this change");
        (await card.GetByRole(AriaRole.Button).CountAsync()).Should().Be(0, "no decision is offered on your own proposal");
        (await card.Locator("input[type=checkbox]").CountAsync()).Should().Be(0);

        // Forging the POST the page does not offer: the approval service refuses it (separation of duties).
        var csrf = await page.Locator("header form input[name=__csrf]").GetAttributeAsync("value");
        var forged = await page.Context.APIRequest.PostAsync(new Uri(stack.BaseUrl, "console/approvals?handler=approve").AbsoluteUri,
            new() { Form = page.Context.APIRequest.CreateFormData().Set("__csrf", csrf!).Set("id", own) });
        forged.Status.Should().Be(409);
        (await forged.TextAsync()).Should().Contain(ApprovalCodes.SelfApproval);
        (await stack.DealAmountAsync("3008")).Should().Be(before);
        (await stack.App.Services.GetRequiredService<ApprovalService>().FindAsync(own, new("maria", "default", ["manager"], "token"), CancellationToken.None))!
            .Status.Should().Be(ApprovalStatus.Pending);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task AViewer_GetsNoInbox()
    {
        var pending = await stack.ProposeAsync("ravi", Rep, "3009", 90000);
        var page = await stack.SignInAsync("vera");

        page.Url.Should().EndWith("/console");
        (await page.Locator("main").InnerTextAsync()).Should().Contain("no console pages");
        (await page.Locator(".bar nav a").CountAsync()).Should().Be(0, "no section is listed for a viewer");
        var inbox = await page.GotoAsync(new Uri(stack.BaseUrl, "console/approvals").AbsoluteUri);
        inbox!.Status.Should().Be(403);
        var html = await page.ContentAsync();
        html.Should().Contain("No approvals inbox").And.NotContain(pending).And.NotContain("3009");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task AnotherTenantsProposals_AreInvisible_AndCannotBeDecided()
    {
        var northwind = await stack.ProposeAsync("nora", Rep, "3501", 700000, tenant: "northwind");
        var ours = await stack.ProposeAsync("ravi", Rep, "3010", 91000);

        var olga = await stack.SignInAsync("olga");
        var olgaHtml = await olga.ContentAsync();
        olgaHtml.Should().Contain(northwind).And.NotContain(ours);
        (await olga.Locator(".who .meta").InnerTextAsync()).Should().Contain("tenant northwind");

        var maria = await stack.SignInAsync("maria");
        (await maria.ContentAsync()).Should().Contain(ours).And.NotContain(northwind);
        await maria.GotoAsync(new Uri(stack.BaseUrl, "console/approvals?tab=decided").AbsoluteUri);
        (await maria.ContentAsync()).Should().NotContain(northwind);

        var csrf = await maria.Locator("header form input[name=__csrf]").GetAttributeAsync("value");
        var forged = await maria.Context.APIRequest.PostAsync(new Uri(stack.BaseUrl, "console/approvals?handler=approve").AbsoluteUri,
            new() { Form = maria.Context.APIRequest.CreateFormData().Set("__csrf", csrf!).Set("id", northwind) });
        (await forged.TextAsync()).Should().Contain(ApprovalCodes.NotFound);
        (await stack.DealAmountAsync("3501")).Should().Be("640000", "another tenant's deal is untouched");
        await olga.Context.CloseAsync();
        await maria.Context.CloseAsync();
    }

    private static ILocator Card(IPage page, string id) => page.Locator($"article[data-approval='{id}']");
}
