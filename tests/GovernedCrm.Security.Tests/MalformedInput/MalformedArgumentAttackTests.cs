using GovernedCrm.Audit.Records;
using GovernedCrm.Security.Tests.Fixtures;

namespace GovernedCrm.Security.Tests.MalformedInput;

/// <summary>
/// A model (or whoever writes the client's JSON) sends arguments no serializer would produce: duplicate names, lone
/// surrogates, nesting past the limit. Each is refused with a stable code before anything digests, queues or runs
/// it; the refusal is a DENIED entry after the call's RECEIVED entry; the CRM is untouched; and neither exception
/// text nor the SDK's generic "An error occurred invoking" reaches the client.
/// </summary>
public sealed class MalformedArgumentAttackTests
{
    [Theory]
    // Two owners in one properties object: which one would the policy see, which one the CRM?
    [InlineData("""{"objectType":"contact","recordId":"1001","properties":{"owner":"alice","owner":"ravi"},"reason":"r"}""", "validation.duplicate_key")]
    // The same name spelled once plainly and once escaped is the same name.
    [InlineData("""{"objectType":"contact","recordId":"1001","properties":{"owner":"alice","\u006fwner":"ravi"},"reason":"r"}""", "validation.duplicate_key")]
    // Held: duplicate top-level arguments (amount smuggling: the small amount for the policy, the big one for the CRM).
    [InlineData("""{"objectType":"deal","recordId":"3001","properties":{"amount":1000},"properties":{"amount":900000},"reason":"r"}""", "validation.duplicate_key")]
    // Lone surrogates: in a value, in a property name, in the reason, in the record id.
    [InlineData("""{"objectType":"contact","recordId":"1001","properties":{"firstname":"Ada\ud800"},"reason":"r"}""", "validation.invalid_text")]
    [InlineData("""{"objectType":"contact","recordId":"1001","properties":{"\ud800":"x"},"reason":"r"}""", "validation.invalid_text")]
    [InlineData("""{"objectType":"contact","recordId":"1001","properties":{"firstname":"Ada"},"reason":"\udc00 why"}""", "validation.invalid_text")]
    [InlineData("""{"objectType":"contact","recordId":"1001\ud83d","properties":{"firstname":"Ada"},"reason":"r"}""", "validation.invalid_text")]
    public async Task MalformedUpdate_IsRefusedWithItsCodeAndAudited(string arguments, string code)
    {
        await using var server = await HttpTestServer.StartAsync();
        using var http = server.CreateHttpClient();
        var before = await CrmSnapshot.TakeAsync(server.Resources.Crm);

        var answer = await RawMcpHttp.PostInSessionAsync(http, RawMcpHttp.ToolCall("CRM.UpdateRecord", arguments));

        AssertRefused(answer, code);
        (await CrmSnapshot.TakeAsync(server.Resources.Crm)).Should().Be(before, "a refused call changes nothing");
        await AssertDeniedAfterReceivedAsync(server, "CRM.UpdateRecord", code);
    }

    [Fact]
    public async Task LoneSurrogateInCreatedContact_IsRefusedAndNothingIsCreated()
    {
        await using var server = await HttpTestServer.StartAsync();
        using var http = server.CreateHttpClient();
        var before = await CrmSnapshot.TakeAsync(server.Resources.Crm);

        var answer = await RawMcpHttp.PostInSessionAsync(http, RawMcpHttp.ToolCall(
            "CRM.CreateContact", """{"properties":{"email":"eve@example.com","lastname":"\udfff"},"reason":"r"}"""));

        AssertRefused(answer, "validation.invalid_text");
        (await CrmSnapshot.TakeAsync(server.Resources.Crm)).Should().Be(before);
        await AssertDeniedAfterReceivedAsync(server, "CRM.CreateContact", "validation.invalid_text");
    }

    [Fact]
    public async Task NestingPastTheLimit_IsRefusedWithItsCode()
    {
        await using var server = await HttpTestServer.StartAsync();
        using var http = server.CreateHttpClient();
        var before = await CrmSnapshot.TakeAsync(server.Resources.Crm);
        var nested = string.Concat(Enumerable.Repeat("[", 40)) + "1" + string.Concat(Enumerable.Repeat("]", 40));

        var answer = await RawMcpHttp.PostInSessionAsync(http, RawMcpHttp.ToolCall(
            "CRM.UpdateRecord", $$"""{"objectType":"deal","recordId":"3001","properties":{"amount":{{nested}}},"reason":"r"}"""));

        AssertRefused(answer, "validation.too_deep");
        (await CrmSnapshot.TakeAsync(server.Resources.Crm)).Should().Be(before);
        await AssertDeniedAfterReceivedAsync(server, "CRM.UpdateRecord", "validation.too_deep");
    }

    [Fact]
    public async Task MalformedRead_IsRefusedToo()
    {
        await using var server = await HttpTestServer.StartAsync();
        using var http = server.CreateHttpClient();

        var answer = await RawMcpHttp.PostInSessionAsync(http, RawMcpHttp.ToolCall(
            "CRM.SearchRecords", """{"objectType":"contact","query":"\ud800","limit":5}"""));

        AssertRefused(answer, "validation.invalid_text");
        await AssertDeniedAfterReceivedAsync(server, "CRM.SearchRecords", "validation.invalid_text");
    }

    private static void AssertRefused(RawAnswer answer, string code)
    {
        answer.Message.Should().NotBeNull(answer.Body);
        answer.IsToolError.Should().BeTrue(answer.Body);
        answer.ToolText.Should().StartWith(code + ":", answer.Body);
        answer.Body.Should().NotContain("An error occurred invoking").And.NotContain("Exception").And.NotContain("   at ");
    }

    private static async Task AssertDeniedAfterReceivedAsync(HttpTestServer server, string tool, string code)
    {
        var entries = await server.AuditEntriesAsync();
        var received = entries.Should().ContainSingle(e => e.Record.Event == AuditEventType.Received).Subject.Record;
        received.Tool.Should().Be(tool);
        var call = entries.Where(e => e.Record.ExecutionId == received.ExecutionId).Select(e => e.Record).ToList();
        call.Select(r => r.Event).Should().Equal(AuditEventType.Received, AuditEventType.Denied);
        call[1].Outcome.Should().Be($"denied:{code}");
        call[1].Action.Should().Be(AuditActionType.Deny);
        call[1].ArgumentsDigest.Should().BeNull("arguments the server could not read faithfully are not digested as if it had");
        call[1].Result.Should().Contain(code);
        entries.Should().HaveCount(2, "nothing else is written: no PROPOSED, no approval");
    }
}
