using System.Diagnostics;
using System.Net;
using System.Text.Json;
using GovernedCrm.Governance.Credentials;
using GovernedCrm.Server.Tests.AuditProcess;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using GovernedCrm.Governance.Steps.Credentials;

namespace GovernedCrm.Server.Tests.Connect;

/// <summary>
/// Stdio deployments: `governed-crm connect hubspot` (a real child process) prints the provider's authorize URL, takes
/// the browser's answer on its loopback redirect and stores the tokens in the vault; then the stdio server (another
/// child process, driven by the C# SDK's stdio client) runs the user's calls with that user's token at the double,
/// and tells a user who is not connected to run the connect command.
/// </summary>
public sealed class ConnectCommandTests(RemoteCrmFixture fixture) : IClassFixture<RemoteCrmFixture>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("governedcrm-cli-connect-").FullName;
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..6];

    [Fact]
    public async Task ConnectCommand_StoresTheUsersTokens_AndTheStdioServerRunsAsThatUser()
    {
        var alice = $"alice-{_suffix}";
        var contact = fixture.HubSpot.Seed("contacts", new Dictionary<string, string?> { ["email"] = $"cli-{_suffix}@example.test", ["firstname"] = "Cli" });
        var (connectors, environment) = fixture.WriteConnectorsFile(_folder);

        var (exitCode, output, stderr) = await ConnectInBrowserAsync(connectors, environment, alice);

        exitCode.Should().Be(0, string.Join('\n', stderr));
        output.Should().Contain($"connected: {alice} at hubspot");

        await using (var client = await StdioClientAsync(connectors, environment, alice))
        {
            var read = await client.CallToolAsync("CRM.GetRecord", new Dictionary<string, object?> { ["objectType"] = "contact", ["recordId"] = contact });
            read.IsError.Should().NotBe(true, JsonSerializer.Serialize(read));
            read.StructuredContent!.Value.GetProperty("properties").GetProperty("firstname").GetString().Should().Be("Cli");
            fixture.HubSpot.Calls.Should().Contain(c => c.User == alice && c.Path.EndsWith("/contacts/" + contact, StringComparison.Ordinal));
            var secrets = fixture.SeenTokens.Where(t => t.Value == alice).Select(t => t.Key).ToList();
            secrets.Should().NotBeEmpty("the double saw alice's token");
            foreach (var secret in secrets)
            {
                JsonSerializer.Serialize(read).Should().NotContain(secret);
                output.Should().NotContain(secret);
                string.Join('\n', stderr).Should().NotContain(secret);
            }
        }

        await using (var bob = await StdioClientAsync(connectors, environment, $"bob-{_suffix}"))
        {
            var answer = await bob.CallToolAsync("CRM.GetRecord", new Dictionary<string, object?> { ["objectType"] = "contact", ["recordId"] = contact });
            answer.IsError.Should().BeTrue();
            var error = answer.StructuredContent!.Value.GetProperty("error");
            error.GetProperty("code").GetString().Should().Be(ConnectionRequirement.Code);
            error.GetProperty("connectCommand").GetString().Should().Be("governed-crm connect hubspot");
            fixture.HubSpot.Calls.Should().NotContain(c => c.User == $"bob-{_suffix}");
        }
    }

    [Fact]
    public async Task ConnectCommand_Json_PrintsTheConnection_AndTimeoutAndErrorsAsObjects()
    {
        var carol = $"carol-{_suffix}";
        var (connectors, environment) = fixture.WriteConnectorsFile(_folder);

        var (code, stdout, stderr) = await ConnectInBrowserAsync(connectors, environment, carol, "--json");
        var (timeoutCode, timeout, _) = await RunToEndAsync(StartInfo(connectors, environment, "connect", "hubspot", "--as", carol, "--timeout", "1", "--json"));
        var (unknownCode, unknown, _) = await RunToEndAsync(StartInfo(connectors, environment, "connect", "pipedrive", "--json"));

        code.Should().Be(0, string.Join('\n', stderr));
        using (var connected = JsonDocument.Parse(stdout))
        {
            connected.RootElement.GetProperty("connected").GetBoolean().Should().BeTrue();
            connected.RootElement.GetProperty("user").GetString().Should().Be(carol);
            connected.RootElement.GetProperty("provider").GetString().Should().Be("hubspot");
            connected.RootElement.EnumerateObject().Should().HaveCount(3, "nothing else, no token, is printed");
        }

        timeoutCode.Should().Be(1);
        CliErrorOutput.ShouldBeJsonError(timeout, "connect.timeout");
        unknownCode.Should().Be(2);
        CliErrorOutput.ShouldBeJsonError(unknown, "cli.error").GetProperty("message").GetString().Should().Contain("provider 'pipedrive' is not in");
    }

    [Fact]
    public async Task ConnectCommand_UnknownProviderOrNoConnectorsFile_ExitsTwo()
    {
        var (connectors, environment) = fixture.WriteConnectorsFile(_folder);

        using var unknown = System.Diagnostics.Process.Start(StartInfo(connectors, environment, "connect", "pipedrive"))!;
        var unknownError = await unknown.StandardError.ReadToEndAsync();
        await unknown.WaitForExitAsync();
        using var none = System.Diagnostics.Process.Start(StartInfo(null, environment, "connect", "hubspot"))!;
        var noneError = await none.StandardError.ReadToEndAsync();
        await none.WaitForExitAsync();

        unknown.ExitCode.Should().Be(2);
        unknownError.Should().Contain("provider 'pipedrive' is not in").And.Contain("hubspot");
        none.ExitCode.Should().Be(2);
        noneError.Should().Contain("no connectors file");
    }

    public void Dispose()
    {
        TempFolder.Delete(_folder);
    }

    // Runs connect on the fixture's registered redirect port, signs the user in at the identity provider and follows the
    // redirect back to the command, as the user's browser would.
    private async Task<(int ExitCode, string Stdout, List<string> Stderr)> ConnectInBrowserAsync(
        string connectors, Dictionary<string, string> environment, string user, params string[] extra)
    {
        using var connect = System.Diagnostics.Process.Start(StartInfo(
            connectors, environment, ["connect", "hubspot", "--as", user, "--port", fixture.CliPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--timeout", "60", .. extra]))!;
        var stderr = new List<string>();
        string? url = null;
        while (url is null && await connect.StandardError.ReadLineAsync() is { } line)
        {
            stderr.Add(line);
            if (line.TrimStart().StartsWith("https://", StringComparison.Ordinal))
            {
                url = line.Trim();
            }
        }

        url.Should().NotBeNull(string.Join('\n', stderr));
        var callback = await fixture.Idp.SignInAsync(new Uri(url!), user, fixture.CliRedirect);
        using (var http = new HttpClient())
        {
            var page = await http.GetAsync(callback);
            page.StatusCode.Should().Be(HttpStatusCode.OK, await page.Content.ReadAsStringAsync());
        }

        var output = await connect.StandardOutput.ReadToEndAsync();
        await connect.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        stderr.Add(await connect.StandardError.ReadToEndAsync());
        return (connect.ExitCode, output, stderr);
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunToEndAsync(ProcessStartInfo info)
    {
        using var process = System.Diagnostics.Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await stdout, await stderr);
    }

    private ProcessStartInfo StartInfo(string? connectors, Dictionary<string, string> secrets, params string[] args)
    {
        var info = ServerLaunch.StartInfo(_folder);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["GOVERNEDCRM_CONNECTORS"] = connectors ?? "";
        info.Environment["GOVERNEDCRM_POLICY"] = "";
        foreach (var (name, value) in secrets)
        {
            info.Environment[name] = value;
        }

        return info;
    }

    private async Task<McpClient> StdioClientAsync(string connectors, Dictionary<string, string> secrets, string user)
    {
        var environment = ServerLaunch.Environment();
        environment["GOVERNEDCRM_USER"] = user;
        environment["GOVERNEDCRM_POLICY"] = "";
        environment["GOVERNEDCRM_CONNECTORS"] = connectors;
        foreach (var (name, value) in secrets)
        {
            environment[name] = value;
        }

        return await McpClient.CreateAsync(
            new StdioClientTransport(new StdioClientTransportOptions
            {
                Name = "connect-test",
                Command = "dotnet",
                Arguments = [ServerLaunch.ServerDll, "--data", _folder],
                EnvironmentVariables = environment,
            }),
            new McpClientOptions { ClientInfo = new Implementation { Name = "connect-test", Version = "1.0" } });
    }
}
