using GovernedCrm.Audit.Entries;
using GovernedCrm.Audit.Records;
using GovernedCrm.Governance.Audit;
using GovernedCrm.Security.Tests.Fixtures;
using GovernedCrm.Governance.Steps.Audit;

namespace GovernedCrm.Security.Tests.Protocol;

/// <summary>
/// A client starts a write and cancels it (notifications/cancelled) while the server waits for the requester's
/// confirmation. Before the defence the trail ended at RECEIVED and APPROVAL_REQUESTED: nobody could tell from it
/// whether the change happened. Now the call ends with a CANCELLED entry that says nothing ran, and the CRM is
/// unchanged.
/// </summary>
public sealed class CancelledCallAttackTests
{
    [Fact]
    public async Task CallCancelledByTheClient_EndsWithACancelledEntry_AndNothingChanges()
    {
        await using var server = await HttpTestServer.StartAsync();
        using var http = server.CreateHttpClient();
        var session = await RawMcpHttp.OpenSessionAsync(http, capabilities: """{"elicitation":{"form":{}}}""");
        var before = await CrmSnapshot.TakeAsync(server.Resources.Crm);

        // The default policy asks the requester to confirm a change of a contact's email address: the server asks
        // (elicitation/create on this call's stream) and waits; this client never answers.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var call = RawMcpHttp.PostAsync(http, RawMcpHttp.ToolCall(
            "CRM.UpdateRecord", """{"objectType":"contact","recordId":"1001","properties":{"email":"eve@attacker.example"},"reason":"r"}""", id: 7), session, timeout.Token);
        await WaitForAsync(server, AuditEventType.ApprovalRequested);

        await RawMcpHttp.PostAsync(http, """{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":7,"reason":"changed my mind"}}""", session);
        var entries = await WaitForAsync(server, AuditEventType.Cancelled);
        await timeout.CancelAsync();
        await FluentActions.Awaiting(() => call).Should().ThrowAsync<OperationCanceledException>("a cancelled request gets no response");

        var received = entries.Single(e => e.Record.Event == AuditEventType.Received).Record;
        var trail = entries.Where(e => e.Record.ExecutionId == received.ExecutionId).Select(e => e.Record).ToList();
        trail.Select(r => r.Event).Should().Equal(AuditEventType.Received, AuditEventType.ApprovalRequested, AuditEventType.Cancelled);
        var cancelled = trail[^1];
        cancelled.Outcome.Should().Be("cancelled", "the call was cancelled before its PROPOSED entry, so nothing ran");
        cancelled.Result.Should().Contain(AuditStep.CancelledCode).And.Contain("\"mayHaveRun\":false");
        cancelled.Tool.Should().Be("CRM.UpdateRecord");
        cancelled.RecordId.Should().Be("1001");
        entries.Should().NotContain(e => e.Record.Event == AuditEventType.Proposed || e.Record.Event == AuditEventType.Executed);
        (await CrmSnapshot.TakeAsync(server.Resources.Crm)).Should().Be(before);
    }

    private static async Task<List<AuditEntry>> WaitForAsync(HttpTestServer server, AuditEventType type)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var entries = await server.AuditEntriesAsync();
            if (entries.Any(e => e.Record.Event == type))
            {
                return entries;
            }

            if (watch.Elapsed > TimeSpan.FromSeconds(20))
            {
                throw new TimeoutException($"No {type} entry; the trail holds {string.Join(", ", entries.Select(e => e.Record.Event))}.");
            }

            await Task.Delay(50);
        }
    }
}
