using System.Text.Json;

namespace GovernedCrm.Mcp.Tests;

public sealed class CrmToolsListTests
{
    [Fact]
    public async Task ListTools_CrmServer_ExposesFourToolsWithExactNamesAndArguments()
    {
        await using var server = await McpTestServer.StartAsync();

        var tools = (await server.Client.ListToolsAsync()).ToDictionary(t => t.Name, t => t.ProtocolTool);

        tools.Keys.Should().BeEquivalentTo("CRM.SearchRecords", "CRM.GetRecord", "CRM.UpdateRecord", "CRM.CreateContact");
        Arguments(tools["CRM.SearchRecords"].InputSchema).Should().Equal("objectType", "query", "limit");
        Arguments(tools["CRM.GetRecord"].InputSchema).Should().Equal("objectType", "recordId", "properties");
        Arguments(tools["CRM.UpdateRecord"].InputSchema).Should().Equal("objectType", "recordId", "properties", "reason", "confidence");
        Arguments(tools["CRM.CreateContact"].InputSchema).Should().Equal("properties", "reason", "confidence");
        Required(tools["CRM.UpdateRecord"].InputSchema).Should().BeEquivalentTo("objectType", "recordId", "properties", "reason");
        Required(tools["CRM.CreateContact"].InputSchema).Should().BeEquivalentTo("properties", "reason");
    }

    [Fact]
    public async Task ListTools_Schemas_AreStrict()
    {
        await using var server = await McpTestServer.StartAsync();

        var tools = (await server.Client.ListToolsAsync()).ToDictionary(t => t.Name, t => t.ProtocolTool);
        var search = tools["CRM.SearchRecords"].InputSchema.GetProperty("properties");

        search.GetProperty("objectType").GetProperty("enum").EnumerateArray().Select(e => e.GetString())
            .Should().Equal("contact", "company", "deal");
        search.GetProperty("limit").GetProperty("minimum").GetInt32().Should().Be(1);
        search.GetProperty("limit").GetProperty("maximum").GetInt32().Should().Be(100);
        var confidence = tools["CRM.UpdateRecord"].InputSchema.GetProperty("properties").GetProperty("confidence");
        confidence.GetProperty("minimum").GetDouble().Should().Be(0);
        confidence.GetProperty("maximum").GetDouble().Should().Be(1);
    }

    [Fact]
    public async Task ListTools_Annotations_ReadsReadOnlyWritesDestructive()
    {
        await using var server = await McpTestServer.StartAsync();

        var tools = (await server.Client.ListToolsAsync()).ToDictionary(t => t.Name, t => t.ProtocolTool.Annotations!);

        tools["CRM.SearchRecords"].ReadOnlyHint.Should().BeTrue();
        tools["CRM.GetRecord"].ReadOnlyHint.Should().BeTrue();
        tools["CRM.UpdateRecord"].ReadOnlyHint.Should().BeFalse();
        tools["CRM.UpdateRecord"].DestructiveHint.Should().BeTrue();
        tools["CRM.CreateContact"].DestructiveHint.Should().BeTrue();
        tools.Values.Should().OnlyContain(a => a.OpenWorldHint == false);
    }

    private static List<string> Arguments(JsonElement schema) =>
        schema.GetProperty("properties").EnumerateObject().Select(p => p.Name).ToList();

    private static List<string> Required(JsonElement schema) =>
        schema.GetProperty("required").EnumerateArray().Select(p => p.GetString()!).ToList();
}
