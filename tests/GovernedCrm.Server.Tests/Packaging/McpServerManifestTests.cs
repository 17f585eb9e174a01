using System.Text.Json.Nodes;
using GovernedCrm.Hosting;

namespace GovernedCrm.Server.Tests.Packaging;

/// <summary>The repository's mcp-server.json (packed as .mcp/server.json) against the official schema and the project.</summary>
public sealed class McpServerManifestTests
{
    private static string ManifestPath => RepositoryRoot.File("mcp-server.json");

    [Fact]
    public async Task Manifest_AgainstOfficialSchema_IsValid()
    {
        var errors = await ServerJsonSchema.ValidateAsync(await File.ReadAllTextAsync(ManifestPath));

        errors.Should().BeEmpty("mcp-server.json must be valid against {0}", ServerJsonSchema.Url);
    }

    [Fact]
    public async Task Manifest_SchemaProperty_Is20251017()
    {
        var manifest = await ReadManifestAsync();

        manifest["$schema"]!.GetValue<string>().Should().Be(ServerJsonSchema.Url);
    }

    // A check that rejects nothing proves nothing: each required field, removed, must fail validation.
    [Theory]
    [InlineData("name")]
    [InlineData("description")]
    [InlineData("version")]
    [InlineData("packages/0/registryType")]
    [InlineData("packages/0/identifier")]
    [InlineData("packages/0/transport")]
    [InlineData("packages/0/transport/type")]
    [InlineData("packages/0/environmentVariables/0/name")]
    public async Task Manifest_WithoutRequiredField_IsInvalid(string field)
    {
        var manifest = await ReadManifestAsync();
        var (parent, name) = Locate(manifest, field);
        parent.Remove(name).Should().BeTrue($"mcp-server.json should have {field}");

        var errors = await ServerJsonSchema.ValidateAsync(manifest.ToJsonString());

        errors.Should().NotBeEmpty($"the schema requires {field}");
    }

    [Theory]
    [InlineData("packages/0/version", "latest")]
    [InlineData("packages/0/transport/type", "websocket")]
    [InlineData("name", "governed-crm")]
    public async Task Manifest_WithInvalidValue_IsInvalid(string field, string value)
    {
        var manifest = await ReadManifestAsync();
        var (parent, name) = Locate(manifest, field);
        parent[name] = value;

        var errors = await ServerJsonSchema.ValidateAsync(manifest.ToJsonString());

        errors.Should().NotBeEmpty($"the schema rejects {field} = \"{value}\"");
    }

    [Fact]
    public async Task Manifest_Package_MatchesProjectPackageIdAndVersion()
    {
        var manifest = await ReadManifestAsync();
        var packageId = ServerProject.PackageId;
        var version = ServerProject.Version;

        var package = manifest["packages"]!.AsArray().Should().ContainSingle().Subject!;
        package["registryType"]!.GetValue<string>().Should().Be("nuget");
        package["identifier"]!.GetValue<string>().Should().Be(packageId);
        package["version"]!.GetValue<string>().Should().Be(version);
        package["transport"]!["type"]!.GetValue<string>().Should().Be("stdio");
        manifest["version"]!.GetValue<string>().Should().Be(version);
    }

    [Fact]
    public async Task Manifest_EnvironmentVariables_AreOptionalAndIncludeThoseTheServerReads()
    {
        var manifest = await ReadManifestAsync();

        var variables = manifest["packages"]![0]!["environmentVariables"]!.AsArray().Select(v => v!.AsObject()).ToList();

        variables.Select(v => v["name"]!.GetValue<string>())
            .Should().Contain(new[] { DataFolder.EnvironmentVariable, GovernedCrmServices.UserEnvironmentVariable, PolicySource.EnvironmentVariable, ApprovalSettings.TtlEnvironmentVariable, GovernedCrm.Governance.Approvals.ApprovalOptions.WaitEnvironmentVariable,
                GovernedCrm.Hosting.Connectors.ConnectorsFileLoader.EnvironmentVariable, GovernedCrm.Hosting.CustomTools.ToolAssemblyPaths.EnvironmentVariable });
        variables.Should().AllSatisfy(v =>
        {
            v["description"]!.GetValue<string>().Should().NotBeNullOrWhiteSpace();
            v["isRequired"]!.GetValue<bool>().Should().BeFalse("the server runs with none of them set");
            v["isSecret"]!.GetValue<bool>().Should().BeFalse();
            v["format"]!.GetValue<string>().Should().Be("string");
        });
    }

    private static async Task<JsonObject> ReadManifestAsync() =>
        JsonNode.Parse(await File.ReadAllTextAsync(ManifestPath))!.AsObject();

    /// <summary>The object holding a field given as a path such as "packages/0/transport/type", and the field's name.</summary>
    private static (JsonObject Parent, string Name) Locate(JsonObject manifest, string field)
    {
        var segments = field.Split('/');
        var parent = segments[..^1].Aggregate((JsonNode)manifest, (node, segment) =>
            int.TryParse(segment, out var index) ? node[index]! : node[segment]!);
        return (parent.AsObject(), segments[^1]);
    }
}
