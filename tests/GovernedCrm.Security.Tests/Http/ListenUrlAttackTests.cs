using System.Net;
using System.Net.Sockets;

namespace GovernedCrm.Security.Tests.Http;

/// <summary>
/// A host owner's mistake or a hostile deployment script: every bad <c>--urls</c> value ends the real process with
/// exit code 2, one line on stderr and no stack trace, before the data folder exists. The dangerous ones are those
/// Kestrel would have read as a host name and bound to every interface without authentication (user info, a query
/// string), and those that crashed with a stack trace (an IPv4-mapped address, https without a certificate, a path).
/// </summary>
public sealed class ListenUrlAttackTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("governedcrm-urls-").FullName;

    [Theory]
    [InlineData("http://[::ffff:127.0.0.1]:5391", "IPv4-mapped IPv6 address")]
    [InlineData("http://10.1.2.3:5391", "is not loopback and no token issuer is configured")]
    [InlineData("garbage", "is not a URL")]
    [InlineData("https://127.0.0.1:5391", "no TLS certificate configuration")]
    [InlineData("http://127.0.0.1:99999", "out of range (0 to 65535)")]
    [InlineData("http://127.0.0.1:5391/mcp", "has a path (/mcp)")]
    [InlineData("http://127.0.0.1:5391;http://[::ffff:127.0.0.1]:5392", "--urls http://[::ffff:127.0.0.1]:5392 is an IPv4-mapped")]
    [InlineData("http://127.0.0.1:5391;garbage", "--urls garbage is not a URL")]
    [InlineData("http://user:pw@127.0.0.1:5391", "has user info")]
    [InlineData("http://127.0.0.1:5391?x=1", "has a query or fragment")]
    [InlineData("http://127.0.0.1:abc", "is not a number from 0 to 65535")]
    [InlineData("ftp://127.0.0.1:5391", "only http:// is supported")]
    [InlineData("http://localhost:0", "use http://127.0.0.1:0")]
    [InlineData(" ; ", "--urls is empty")]
    public async Task ServeHttp_BadUrls_ExitCode2OneLineNothingCreated(string urls, string expected)
    {
        var data = Path.Combine(_folder, "data");

        var (code, stdout, stderr) = await ServerProcess.RunAsync(["serve", "--http", "--urls", urls, "--data", data]);

        code.Should().Be(2);
        CliErrorOutput.ShouldBeOneErrorLine(stderr, expected);
        stdout.Should().BeEmpty();
        Directory.Exists(data).Should().BeFalse("a bad option must not create the data folder");
    }

    [Fact]
    public async Task ServeHttp_PortInUse_ExitCode2OneLine()
    {
        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        var port = ((IPEndPoint)busy.LocalEndpoint).Port;

        var (code, _, stderr) = await ServerProcess.RunAsync(["serve", "--http", "--urls", $"http://127.0.0.1:{port}", "--data", Path.Combine(_folder, "data")]);

        code.Should().Be(2);
        CliErrorOutput.ShouldBeOneErrorLine(stderr, $"cannot listen on --urls http://127.0.0.1:{port}");
    }

    [Fact]
    public async Task ServeHttp_BadAllowedOrigin_ExitCode2OneLine()
    {
        var (code, _, stderr) = await ServerProcess.RunAsync(["serve", "--http", "--allowed-origins", "null", "--data", Path.Combine(_folder, "data")]);

        code.Should().Be(2);
        CliErrorOutput.ShouldBeOneErrorLine(stderr, "--allowed-origins (or GOVERNEDCRM_ALLOWED_ORIGINS): 'null' is not an origin");
    }

    public void Dispose() => TempFolder.Delete(_folder);
}
