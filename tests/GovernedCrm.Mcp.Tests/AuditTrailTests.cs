using GovernedCrm.Audit.Entries;
using GovernedCrm.Audit.Records;
using GovernedCrm.Audit.Verification;
using GovernedCrm.Crm;
using Microsoft.Data.Sqlite;

namespace GovernedCrm.Mcp.Tests;

/// <summary>The governed call path writes the audit trail: every step of every call, write-ahead, fail closed.</summary>
public sealed class AuditTrailTests
{
    [Fact]
    public async Task UpdateRecord_Executed_ReceivedProposedExecutedLinkedByExecutionId()
    {
        await using var server = await McpTestServer.StartAsync();

        var result = await server.CallAsync("CRM.UpdateRecord", new { objectType = "deal", recordId = "3001", properties = new { amount = 75000 }, reason = "Signed the bigger order", confidence = 0.9 });
        var entries = await EntriesAsync(server);

        result.IsError.Should().NotBe(true, result.Text());
        var executionId = result.Structured().GetProperty("executionId").GetString();
        var call = entries.Where(e => e.Record.ExecutionId == executionId).ToList();
        call.Select(e => e.Record.Event).Should().Equal(AuditEventType.Received, AuditEventType.Proposed, AuditEventType.Executed);
        var proposed = call[1].Record;
        proposed.Actor.Should().NotBeNullOrEmpty();
        proposed.OnBehalfOf.Should().Be("governedcrm-tests/1.0");
        proposed.Tool.Should().Be("CRM.UpdateRecord");
        proposed.ObjectType.Should().Be("deal");
        proposed.RecordId.Should().Be("3001");
        proposed.Properties.Should().Be("amount");
        proposed.PreviousValues.Should().Be("""{"version":1,"amount":1000}""");
        proposed.ProposedValues.Should().Be("""{"amount":75000}""");
        proposed.Reasoning.Should().Be("Signed the bigger order");
        proposed.Confidence.Should().Be(0.9);
        proposed.PolicyVersion.Should().Be("builtin-allow-all-v1");
        proposed.Rule.Should().Be("builtin.allow-all");
        proposed.ArgumentsDigest.Should().MatchRegex("^[0-9a-f]{64}$");
        call[2].Record.Result.Should().Contain("\"after\":{\"amount\":75000}").And.Contain("\"version\":2");
        call[2].Sequence.Should().BeGreaterThan(call[1].Sequence);
    }

    [Fact]
    public async Task SecretInArguments_NeverReachesTheAuditFile()
    {
        await using var server = await McpTestServer.StartAsync();

        await server.CallAsync("CRM.UpdateRecord", new { objectType = "contact", recordId = "1001", properties = new { api_key = "sk-live-canary-4711" }, reason = "r" });
        await server.Audit.DisposeAsync();
        SqliteConnection.ClearAllPools();

        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(server.AuditPaths.DatabasePath)!, "audit*"))
        {
            (await File.ReadAllBytesAsync(file)).AsSpan().IndexOf("sk-live-canary-4711"u8).Should().Be(-1, $"{Path.GetFileName(file)} must not hold the secret");
        }

        (await EntriesAsync(server)).Should().Contain(e => e.Record.ProposedValues == """{"api_key":"[redacted]"}""");
    }

    [Fact]
    public async Task BadInput_RecordedAsDeniedWithCode()
    {
        await using var server = await McpTestServer.StartAsync();

        await server.CallAsync("CRM.GetRecord", new { objectType = "widget", recordId = "1" });
        var entries = await EntriesAsync(server);

        var denied = entries.Should().ContainSingle(e => e.Record.Event == AuditEventType.Denied).Subject.Record;
        denied.Action.Should().Be(AuditActionType.Deny);
        denied.Outcome.Should().Be("denied:validation.invalid_argument");
        entries.Should().NotContain(e => e.Record.Event == AuditEventType.Proposed);
    }

    [Fact]
    public async Task CrmError_RecordedAsFailedWithCode()
    {
        await using var server = await McpTestServer.StartAsync();

        await server.CallAsync("CRM.UpdateRecord", new { objectType = "deal", recordId = "3001", properties = new { amount = "abc" }, reason = "r" });
        var entries = await EntriesAsync(server);

        entries.Should().ContainSingle(e => e.Record.Event == AuditEventType.Failed).Which.Record.Outcome.Should().Be("failed:crm.invalid_value");
    }

    [Fact]
    public async Task UnknownTool_StillRecordedAsReceived()
    {
        await using var server = await McpTestServer.StartAsync();

        var act = async () => await server.CallAsync("CRM.DeleteEverything", new { });
        await act.Should().ThrowAsync<ModelContextProtocol.McpException>();
        var entries = await EntriesAsync(server);

        entries.Should().ContainSingle().Which.Record.Should().Match<AuditRecord>(r => r.Event == AuditEventType.Received && r.Tool == "CRM.DeleteEverything");
    }

    [Fact]
    public async Task Calls_TrailVerifies()
    {
        await using var server = await McpTestServer.StartAsync();
        for (var i = 0; i < 5; i++)
        {
            await server.CallAsync("CRM.UpdateRecord", new { objectType = "deal", recordId = "3002", properties = new { amount = 100 + i }, reason = "r" });
            await server.CallAsync("CRM.GetRecord", new { objectType = "deal", recordId = "3002" });
        }

        await server.Audit.DisposeAsync();
        var report = await AuditVerifier.VerifyAsync(server.AuditPaths.DatabasePath, server.VerifierKey(), server.AuditPaths.AnchorPath, null, null, CancellationToken.None);

        report.Valid.Should().BeTrue(report.Summary);
        report.Entries.Should().Be(30);
    }

    [Theory]
    [InlineData("CRM.UpdateRecord")]
    [InlineData("CRM.GetRecord")]
    public async Task AuditLocked_CallFailsClosedAndCrmUnchanged(string tool)
    {
        await using var server = await McpTestServer.StartAsync();
        await using var locker = new SqliteConnection($"Data Source={server.AuditPaths.DatabasePath};Pooling=False");
        await locker.OpenAsync();
        await using (var begin = locker.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE;";
            await begin.ExecuteNonQueryAsync();
        }

        var result = tool == "CRM.UpdateRecord"
            ? await server.CallAsync(tool, new { objectType = "deal", recordId = "3001", properties = new { amount = 5 }, reason = "r" })
            : await server.CallAsync(tool, new { objectType = "deal", recordId = "3001" });

        result.ErrorCode().Should().Be("audit.unavailable");
        // A write never runs without its durable PROPOSED entry; a read may run while its entries are flushed, but
        // its answer is withheld when they cannot be written.
        result.Text().Should().Contain(tool == "CRM.UpdateRecord" ? "not carried out" : "answer is withheld");
        await using var crm = new SqliteConnection($"Data Source={server.Database.Options.DatabasePath};Mode=ReadOnly;Pooling=False");
        await crm.OpenAsync();
        await using var read = crm.CreateCommand();
        read.CommandText = "SELECT amount || '/' || version FROM deals WHERE id = 3001";
        (await read.ExecuteScalarAsync()).Should().Be("1000/1", "the CRM file itself is unchanged");
    }

    private static async Task<List<AuditEntry>> EntriesAsync(McpTestServer server)
    {
        var entries = new List<AuditEntry>();
        await foreach (var entry in AuditEntryReader.ReadAsync(server.AuditPaths.DatabasePath, null, 0, CancellationToken.None))
        {
            entries.Add(entry);
        }

        return entries;
    }
}
