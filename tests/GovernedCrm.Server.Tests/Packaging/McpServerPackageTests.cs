using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text.Json;
using System.Xml.Linq;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace GovernedCrm.Server.Tests.Packaging;

/// <summary>
/// The package `dotnet pack` makes: an MCP server tool carrying its server.json, that `dotnet dnx` runs from a
/// local folder and that then answers MCP over stdio.
/// </summary>
public sealed class McpServerPackageTests(PackedServerFixture packed) : IClassFixture<PackedServerFixture>
{
    // dnx restores the tool from the local folder and starts it; on a warm machine that takes a few seconds.
    private static readonly TimeSpan DnxTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Pack_Package_CarriesRepositoryManifestAsMcpServerJson()
    {
        var expected = await File.ReadAllBytesAsync(RepositoryRoot.File("mcp-server.json"));

        var inPackage = ReadEntry(".mcp/server.json");

        inPackage.Should().Equal(expected, "the package must carry mcp-server.json unchanged as .mcp/server.json");
    }

    [Fact]
    public void Pack_Package_IsMcpServerToolPackage()
    {
        // Loaded from bytes, not a string: the nuspec starts with a byte order mark.
        using var bytes = new MemoryStream(ReadEntry($"{ServerProject.PackageId}.nuspec"));
        var nuspec = XDocument.Load(bytes);

        Elements(nuspec, "id").Should().ContainSingle().Which.Value.Should().Be(ServerProject.PackageId);
        Elements(nuspec, "version").Should().ContainSingle().Which.Value.Should().Be(ServerProject.Version);
        Elements(nuspec, "packageType").Select(t => (string?)t.Attribute("name"))
            .Should().BeEquivalentTo(new[] { "DotnetTool", "McpServer" });
    }

    [Fact]
    public void Pack_Package_RunsGovernedCrmCommand()
    {
        using var package = ZipFile.OpenRead(packed.PackagePath);
        var settings = package.Entries.Where(e => e.FullName.EndsWith("/DotnetToolSettings.xml", StringComparison.Ordinal)).ToList();
        settings.Should().ContainSingle("a tool package has one DotnetToolSettings.xml; {0}", packed.Pack);

        using var stream = settings[0].Open();
        var command = Elements(XDocument.Load(stream), "Command").Should().ContainSingle().Subject;

        ((string?)command.Attribute("Name")).Should().Be("governed-crm");
        ((string?)command.Attribute("EntryPoint")).Should().Be("governed-crm.dll");
        ((string?)command.Attribute("Runner")).Should().Be("dotnet");
    }

    [Fact]
    public void Pack_Package_StaysUnderTheSizeBound()
    {
        var size = new FileInfo(packed.PackagePath).Length;

        size.Should().BeLessThanOrEqualTo(ToolPackageContents.MaxPackageBytes,
            "the tool package carries the six supported runtimes' natives and no symbols or docs ({0:N0} bytes); the largest entries:\n{1}",
            size, ToolPackageContents.LargestEntries(packed.PackagePath, 15));
    }

    [Fact]
    public void Pack_Package_CarriesNativesForTheSixSupportedRuntimesOnly()
    {
        var runtimes = ToolPackageContents.NativeRuntimes(packed.PackagePath);

        runtimes.Keys.Should().BeEquivalentTo(ToolPackageContents.SupportedRuntimes);
        runtimes.Should().AllSatisfy(r => r.Value.Should().HaveCount(2, "{0} needs SQLite (e_sqlite3) and NSec (libsodium): {1}", r.Key, string.Join(", ", r.Value)));
    }

    [Theory]
    [InlineData("osx-x64", 0x01000007)] // CPU_TYPE_X86_64
    [InlineData("osx-arm64", 0x0100000C)] // CPU_TYPE_ARM64
    public void Pack_Package_MacNativesAreThinLibrariesOfTheirFoldersCpu(string runtime, int cpuType)
    {
        var natives = ToolPackageContents.NativeRuntimes(packed.PackagePath)[runtime];

        natives.Should().NotBeEmpty();
        foreach (var native in natives)
        {
            var bytes = ToolPackageContents.ToolEntry(packed.PackagePath, $"runtimes/{runtime}/{native}");

            // A thin 64-bit Mach-O (MH_MAGIC_64, little-endian) of the folder's CPU, not a universal binary (0xCAFEBABE) of every CPU.
            BitConverter.ToUInt32(bytes, 0).Should().Be(0xFEEDFACF, "{0} in {1} should be a thin 64-bit Mach-O", native, runtime);
            BitConverter.ToInt32(bytes, 4).Should().Be(cpuType, "{0} in {1} should be built for that CPU", native, runtime);
        }
    }

    [Fact]
    public void Pack_Package_HasNoSymbolsDocsOrOtherLanguages()
    {
        var entries = ToolPackageContents.ToolEntries(packed.PackagePath);

        entries.Should().NotContain(e => e.EndsWith(".pdb", StringComparison.Ordinal));
        entries.Where(e => e.EndsWith(".xml", StringComparison.Ordinal)).Should().Equal(["DotnetToolSettings.xml"]);
        entries.Should().NotContain(e => e.EndsWith(".resources.dll", StringComparison.Ordinal));
    }

    [Fact]
    public void Pack_Package_ReadmeCarriesMcpName()
    {
        var readme = System.Text.Encoding.UTF8.GetString(ReadEntry("README.md"));
        var manifest = JsonDocument.Parse(ReadEntry(".mcp/server.json"));

        readme.Should().Contain($"mcp-name: {manifest.RootElement.GetProperty("name").GetString()}",
            "the registry's NuGet ownership check looks for it in the package readme");
    }

    [Fact]
    public async Task Dnx_FromPackFolder_ServesCrmToolsOverStdio()
    {
        var stderr = new ConcurrentQueue<string>();
        var environment = DotnetCli.ChildEnvironment();
        // A package cache of this test's own: the user's is neither changed nor trusted, since a GovernedCrm
        // 0.1.0 extracted there by an earlier run would be used instead of the package just packed.
        environment["NUGET_PACKAGES"] = Path.Combine(packed.WorkFolder, "nuget-packages");
        environment["GOVERNEDCRM_USER"] = "packaging-test";
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "governed-crm via dnx",
            Command = DotnetCli.Executable,
            Arguments =
            [
                "dnx", ServerProject.PackageId, "--source", packed.PackageFolder, "--yes",
                "--", "--data", Path.Combine(packed.WorkFolder, "data"),
            ],
            WorkingDirectory = packed.WorkFolder,
            EnvironmentVariables = environment,
            StandardErrorLines = stderr.Enqueue,
            ShutdownTimeout = TimeSpan.FromSeconds(10),
        });
        using var limit = new CancellationTokenSource(DnxTimeout);

        // Disposing the client ends the session and kills the whole process tree dnx started.
        await using var client = await ConnectAsync(transport, stderr, limit.Token);
        var tools = await client.ListToolsAsync(cancellationToken: limit.Token);
        var deal = await client.CallToolAsync(
            "CRM.GetRecord",
            new Dictionary<string, object?> { ["objectType"] = "deal", ["recordId"] = "3001" },
            cancellationToken: limit.Token);

        tools.Select(t => t.Name).Should().Contain(
            new[] { "CRM.SearchRecords", "CRM.GetRecord", "CRM.UpdateRecord", "CRM.CreateContact", "CRM.GetProposal" }, "{0}", Describe(stderr));
        (deal.IsError ?? false).Should().BeFalse("the seeded deal can be read: {0}\n{1}", Text(deal), Describe(stderr));
        deal.StructuredContent.Should().NotBeNull("{0}", Text(deal));
        deal.StructuredContent!.Value.GetProperty("id").GetString().Should().Be("3001");
    }

    private static async Task<McpClient> ConnectAsync(StdioClientTransport transport, ConcurrentQueue<string> stderr, CancellationToken cancellationToken)
    {
        try
        {
            return await McpClient.CreateAsync(
                transport,
                new McpClientOptions { ClientInfo = new Implementation { Name = "governedcrm-packaging-tests", Version = "1.0" } },
                cancellationToken: cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or OperationCanceledException or ModelContextProtocol.McpException)
        {
            throw new InvalidOperationException($"`dotnet dnx` did not start an MCP server: {ex.Message}\n{Describe(stderr)}", ex);
        }
    }

    private byte[] ReadEntry(string name)
    {
        using var package = ZipFile.OpenRead(packed.PackagePath);
        var entry = package.GetEntry(name);
        entry.Should().NotBeNull("the package should contain {0}; {1}", name, packed.Pack);
        using var stream = entry!.Open();
        using var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        return bytes.ToArray();
    }

    // nuspec and tool settings elements are namespaced differently across SDKs; the local names are stable.
    private static IEnumerable<XElement> Elements(XDocument document, string localName) =>
        document.Descendants().Where(e => e.Name.LocalName == localName);

    private static string Text(CallToolResult result) =>
        string.Concat(result.Content.OfType<TextContentBlock>().Select(c => c.Text));

    private static string Describe(ConcurrentQueue<string> stderr) =>
        $"server stderr:\n{string.Join('\n', stderr)}";
}
