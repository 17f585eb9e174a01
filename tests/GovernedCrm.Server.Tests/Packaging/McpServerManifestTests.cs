using System.Text.Json.Nodes;

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
    public async Task Manifest_SchemaProperty_IsTheKeptOfficialSchema()
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
    public async Task Manifest_EnvironmentVariables_AreExactlyThoseTheServerReads()
    {
        var manifest = await ReadManifestAsync();

        var declared = EnvironmentVariables(manifest).Select(v => v["name"]!.GetValue<string>()).ToList();

        declared.Should().OnlyHaveUniqueItems();
        declared.Where(name => name.StartsWith("GOVERNEDCRM_", StringComparison.Ordinal)).Should().BeEquivalentTo(ServerEnvironmentVariables.Read(),
            "mcp-server.json must declare every GOVERNEDCRM_ variable named in src and no other");
        declared.Should().OnlyContain(name => name.StartsWith("GOVERNEDCRM_", StringComparison.Ordinal) || name.StartsWith("OTEL_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Manifest_OpenTelemetryVariables_AreThoseTheServerReadsAndTheDocumentedOnes()
    {
        var manifest = await ReadManifestAsync();
        var docs = await File.ReadAllTextAsync(RepositoryRoot.File("docs", "opentelemetry.md"));

        var declared = EnvironmentVariables(manifest).Select(v => v["name"]!.GetValue<string>()).Where(n => n.StartsWith("OTEL_", StringComparison.Ordinal)).ToList();

        ServerEnvironmentVariables.Read("OTEL_").Should().NotBeEmpty().And.OnlyContain(name => declared.Contains(name),
            "every OTEL_ variable the server reads itself is declared in mcp-server.json");
        declared.Should().OnlyContain(name => docs.Contains($"`{name}`", StringComparison.Ordinal),
            "the OpenTelemetry SDK reads the others; docs/opentelemetry.md says what each does");
        declared.Should().Contain(["OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES", "OTEL_EXPORTER_OTLP_HEADERS"]);
    }

    [Fact]
    public async Task Manifest_EnvironmentVariables_AreOptionalDescribedAndTheSecretsAreMarked()
    {
        var manifest = await ReadManifestAsync();

        var variables = EnvironmentVariables(manifest);

        variables.Should().AllSatisfy(v =>
        {
            v["description"]!.GetValue<string>().Should().NotBeNullOrWhiteSpace();
            v["isRequired"]!.GetValue<bool>().Should().BeFalse("the server runs with none of them set");
            v["format"]!.GetValue<string>().Should().BeOneOf("string", "filepath", "number");
        });
        variables.Where(v => v["isSecret"]!.GetValue<bool>()).Select(v => v["name"]!.GetValue<string>())
            .Should().BeEquivalentTo(new[] { GovernedCrm.Store.Vault.VaultKeyRing.EnvironmentVariable, "GOVERNEDCRM_CONSOLE_CLIENT_SECRET", "OTEL_EXPORTER_OTLP_HEADERS" },
                "the vault keys, the console's client secret and the collector's headers (which carry its API key) are the secret values the server reads from its environment (the others are paths, names and numbers)");
    }

    [Fact]
    public async Task Manifest_NamesRepositoryAndWebsite()
    {
        var manifest = await ReadManifestAsync();

        manifest["repository"]!["source"]!.GetValue<string>().Should().Be("github");
        var repository = manifest["repository"]!["url"]!.GetValue<string>();
        repository.Should().StartWith("https://github.com/");
        manifest["websiteUrl"]!.GetValue<string>().Should().StartWith(repository);
    }

    [Fact]
    public async Task Readme_CarriesMcpNameForTheRegistryOwnershipCheck()
    {
        var manifest = await ReadManifestAsync();
        var readme = await File.ReadAllTextAsync(RepositoryRoot.File("README.md"));

        // The registry finds "mcp-name: NAME" in the package's readme (the packed README.md) to prove ownership.
        readme.Should().Contain($"mcp-name: {manifest["name"]!.GetValue<string>()}");
    }

    private static List<JsonObject> EnvironmentVariables(JsonObject manifest) =>
        manifest["packages"]![0]!["environmentVariables"]!.AsArray().Select(v => v!.AsObject()).ToList();

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
