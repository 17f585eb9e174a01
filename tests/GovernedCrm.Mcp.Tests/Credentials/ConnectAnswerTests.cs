using System.Text.Json;
using GovernedCrm.Governance.Credentials;
using GovernedCrm.Mcp.Identity;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using GovernedCrm.Governance.Steps.Credentials;

namespace GovernedCrm.Mcp.Tests.Credentials;

/// <summary>
/// A CRM call by a caller whose CRM account is not connected: nothing runs, and the answer is the connect URL as a
/// URL-mode elicitation (-32042, then notifications/elicitation/complete) for clients that declared it, an input
/// request for protocol 2026-07-28 clients, or a tool error naming the URL (or the stdio command) for everyone else.
/// </summary>
public sealed class ConnectAnswerTests
{
    private static readonly Uri Base = new("https://gateway.test/");

    private static readonly object Update = new
    {
        objectType = "contact", recordId = "1001", properties = new { firstname = "Ada2" }, reason = "typo",
    };

    [Fact]
    public async Task ClientWithUrlElicitation_Gets32042WithTheConnectUrl_AndCompletionOnceConnected()
    {
        var check = new FakeConnectionCheck("hubspot", Base);
        var completed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await StartAsync(check, new ClientCapabilities { Elicitation = new() { Url = new() } }, new McpClientHandlers
        {
            ElicitationHandler = (_, _) => ValueTask.FromResult(new ElicitResult { Action = "accept" }),
            NotificationHandlers =
            [
                new(NotificationMethods.ElicitationCompleteNotification, (n, _) =>
                {
                    completed.TrySetResult(n.Params!["elicitationId"]!.GetValue<string>());
                    return ValueTask.CompletedTask;
                }),
            ],
        }, protocolVersion: "2025-11-25");

        var act = async () => await server.CallAsync("CRM.UpdateRecord", Update);

        var error = (await act.Should().ThrowAsync<UrlElicitationRequiredException>()).Which;
        error.ErrorCode.Should().Be(McpErrorCode.UrlElicitationRequired);
        var elicitation = error.Elicitations.Should().ContainSingle().Which;
        elicitation.Mode.Should().Be("url");
        elicitation.Url.Should().Be("https://gateway.test/connect?id=req-ravi");
        elicitation.ElicitationId.Should().Be("elicit-ravi");
        (await server.CrmScalarAsync("SELECT firstname FROM contacts WHERE id = 1001")).Should().Be("Ada");
        var entries = await server.AuditEntriesAsync();
        entries.Should().Contain(e => e.Record.Outcome == "denied:crm.not_connected");
        entries.Should().NotContain(e => e.Record.Event == GovernedCrm.Audit.Records.AuditEventType.Proposed);

        await check.CompleteAsync("ravi");
        (await completed.Task.WaitAsync(TimeSpan.FromSeconds(10))).Should().Be("elicit-ravi");
        var retried = await server.CallAsync("CRM.UpdateRecord", Update);
        retried.IsError.Should().NotBe(true, retried.Text());
        (await server.CrmScalarAsync("SELECT firstname FROM contacts WHERE id = 1001")).Should().Be("Ada2");
    }

    [Fact]
    public async Task ClientWithoutUrlElicitation_GetsAToolErrorNamingTheConnectUrl()
    {
        var check = new FakeConnectionCheck("hubspot", Base);
        await using var server = await StartAsync(check, capabilities: null, handlers: null);

        var result = await server.CallAsync("CRM.GetRecord", new { objectType = "contact", recordId = "1001" });

        result.IsError.Should().BeTrue();
        var error = result.StructuredContent!.Value.GetProperty("error");
        error.GetProperty("code").GetString().Should().Be(ConnectionRequirement.Code);
        error.GetProperty("connectUrl").GetString().Should().Be("https://gateway.test/connect?id=req-ravi");
        error.GetProperty("provider").GetString().Should().Be("hubspot");
        result.StructuredContent!.Value.GetProperty("outcome").GetString().Should().Be("not_connected");
        result.Text().Should().NotContain("Ada", "no CRM data is read for a caller who is not connected");
    }

    [Fact]
    public async Task WithoutAPublicUrl_TheAnswerNamesTheConnectCommand()
    {
        var check = new FakeConnectionCheck("salesforce", connectBase: null);
        await using var server = await StartAsync(check, new ClientCapabilities { Elicitation = new() { Url = new() } }, new McpClientHandlers
        {
            ElicitationHandler = (_, _) => ValueTask.FromResult(new ElicitResult { Action = "accept" }),
        });

        var result = await server.CallAsync("CRM.UpdateRecord", Update);

        result.IsError.Should().BeTrue();
        result.StructuredContent!.Value.GetProperty("error").GetProperty("connectCommand").GetString().Should().Be("governed-crm connect salesforce");
        result.Text().Should().Contain("governed-crm connect salesforce");
    }

    [Fact]
    public async Task Client2026_GetsTheUrlAsAnInputRequest_AndTheRetryRunsOnceConnected()
    {
        var check = new FakeConnectionCheck("hubspot", Base);
        var asked = new List<ElicitRequestParams>();
        await using var server = await StartAsync(check, new ClientCapabilities { Elicitation = new() { Url = new(), Form = new() } }, new McpClientHandlers
        {
            ElicitationHandler = async (request, _) =>
            {
                asked.Add(request!);
                await check.CompleteAsync("ravi");
                return new ElicitResult { Action = "accept" };
            },
        }, protocolVersion: "2026-07-28");

        var result = await server.CallAsync("CRM.UpdateRecord", Update);

        asked.Should().ContainSingle().Which.Url.Should().Be("https://gateway.test/connect?id=req-ravi");
        asked[0].Mode.Should().Be("url");
        result.IsError.Should().NotBe(true, result.Text());
        (await server.CrmScalarAsync("SELECT firstname FROM contacts WHERE id = 1001")).Should().Be("Ada2");
    }

    [Fact]
    public async Task AConnectedCaller_RunsWithoutAnyQuestion()
    {
        var check = new FakeConnectionCheck("hubspot", Base);
        check.Connected["ravi"] = true;
        await using var server = await StartAsync(check, capabilities: null, handlers: null);

        var result = await server.CallAsync("CRM.GetRecord", new { objectType = "contact", recordId = "1001" });

        result.IsError.Should().NotBe(true, result.Text());
        check.Checks.Should().Be(1);
    }

    private static Task<McpTestServer> StartAsync(
        FakeConnectionCheck check, ClientCapabilities? capabilities, McpClientHandlers? handlers, string? protocolVersion = null) =>
        McpTestServer.StartAsync(
            services: s =>
            {
                s.Configure<LocalCallerOptions>(o => o.UserId = "ravi");
                s.AddSingleton<ICrmConnectionCheck>(check);
                s.AddSingleton<IConnectCompletionListeners>(check);
            },
            clientHandlers: handlers,
            protocolVersion: protocolVersion,
            capabilities: capabilities);
}
