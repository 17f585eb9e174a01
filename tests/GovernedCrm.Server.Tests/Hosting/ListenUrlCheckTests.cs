using GovernedCrm.Hosting;

namespace GovernedCrm.Server.Tests.Hosting;

public sealed class ListenUrlCheckTests
{
    [Theory]
    [InlineData("http://127.0.0.1:5180", "127.0.0.1", 5180, true, false, "http://127.0.0.1:5180")]
    [InlineData("http://127.0.0.1:0", "127.0.0.1", 0, true, false, "http://127.0.0.1:0")]
    [InlineData("http://127.0.0.1:5180/", "127.0.0.1", 5180, true, false, "http://127.0.0.1:5180")]
    [InlineData("HTTP://LocalHost:5180", "LocalHost", 5180, true, false, "http://localhost:5180")]
    [InlineData("http://[::1]:5180", "::1", 5180, true, false, "http://[::1]:5180")]
    [InlineData("http://127.0.0.1", "127.0.0.1", 80, true, false, "http://127.0.0.1")]
    [InlineData("http://0.0.0.0:5180", "0.0.0.0", 5180, false, true, null)]
    [InlineData("http://[::]:5180", "::", 5180, false, true, null)]
    [InlineData("http://*:5180", "*", 5180, false, true, null)]
    [InlineData("http://+:5180", "+", 5180, false, true, null)]
    [InlineData("http://crm.example.com:5180", "crm.example.com", 5180, false, true, "http://crm.example.com:5180")]
    [InlineData("http://192.168.1.10:5180", "192.168.1.10", 5180, false, false, "http://192.168.1.10:5180")]
    public void Check_GoodUrl_ReadAsKestrelBindsIt(string url, string host, int port, bool loopback, bool any, string? origin)
    {
        var checkedUrl = ListenUrlCheck.Check(url).Should().ContainSingle().Subject;

        checkedUrl.Should().Be(new ListenUrl(url, host, port, loopback, any));
        checkedUrl.Origin.Should().Be(origin);
    }

    [Fact]
    public void Check_SeveralUrls_AllInOrder()
    {
        ListenUrlCheck.Check("http://127.0.0.1:5180; http://[::1]:5180").Select(u => u.Host).Should().Equal("127.0.0.1", "::1");
    }

    [Theory]
    [InlineData("", "--urls is empty")]
    [InlineData(";", "--urls is empty")]
    [InlineData("garbage", "--urls garbage is not a URL")]
    [InlineData("127.0.0.1:5180", "is not a URL")]
    [InlineData("http://[::ffff:127.0.0.1]:5180", "IPv4-mapped IPv6 address, which the server cannot listen on: write the IPv4 address, e.g. http://127.0.0.1:5180")]
    [InlineData("https://127.0.0.1:5180", "uses https, but the server has no TLS certificate configuration")]
    [InlineData("ftp://127.0.0.1:5180", "has the scheme 'ftp'")]
    [InlineData("http://127.0.0.1:99999", "has the port 99999, which is out of range")]
    [InlineData("http://127.0.0.1:123456", "has the port '123456', which is not a number from 0 to 65535")]
    [InlineData("http://127.0.0.1:-1", "has the port '-1'")]
    [InlineData("http://127.0.0.1:+80", "has the port '+80'")]
    [InlineData("http://127.0.0.1:", "has the port ''")]
    [InlineData("http://127.0.0.1:5180/mcp", "has a path (/mcp)")]
    [InlineData("http://127.0.0.1:5180?a=b", "has a query or fragment")]
    [InlineData("http://127.0.0.1:5180#x", "has a query or fragment")]
    [InlineData("http://user:pw@127.0.0.1:5180", "has user info")]
    [InlineData("http://unix:/tmp/governedcrm.sock", "is a Unix socket or named pipe")]
    [InlineData("http://[::1:5180", "without its closing ']'")]
    [InlineData("http://[::1]x:5180", "after the IPv6 address")]
    [InlineData("http://[127.0.0.1]:5180", "which is not an IPv6 address")]
    [InlineData("http://:5180", "has no host")]
    [InlineData("http://exa mple:5180", "has the host 'exa mple'")]
    [InlineData("http://localhost:0", "use http://127.0.0.1:0")]
    [InlineData("http://127.0.0.1:5180;garbage", "--urls garbage is not a URL")]
    public void Check_BadUrl_OneLineStartupExceptionNamingIt(string urls, string expected)
    {
        var act = () => ListenUrlCheck.Check(urls);

        var message = act.Should().Throw<StartupException>().Which.Message;
        message.Should().Contain(expected).And.NotContain("\n");
    }
}
