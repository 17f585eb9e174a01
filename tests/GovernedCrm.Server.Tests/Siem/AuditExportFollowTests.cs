using System.Text.Json;

namespace GovernedCrm.Server.Tests.Siem;

/// <summary>
/// <c>governed-crm audit export --follow | --position-file | --output | --format cef|syslog | --syslog</c> as a real
/// child process, over a database the real audit writer appends to while it runs.
/// </summary>
public sealed class AuditExportFollowTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private readonly TempFolder _folder = new("governedcrm-siem-");

    private string Data => _folder.File("data");

    [Fact]
    public async Task Follow_WhileTheWriterAppends_StdoutHasEveryEntryOnce_SigtermStopsWithExit0()
    {
        await using var appender = await AuditAppender.OpenAsync(Data);
        await appender.AppendAsync("default", 40);
        await appender.AppendAsync("acme", 15);

        using var exporter = ServerProcess.Start(["audit", "export", "--follow", "--data", Data]);
        await exporter.WaitForStderrAsync("caught up after 55 entries", Wait);
        for (var i = 0; i < 30; i++)
        {
            await appender.AppendAsync(i % 3 == 0 ? "acme" : "default", 5);
            await appender.AppendAsync("beta", 1);
        }

        var stored = await AuditAppender.StoredAsync(Data);
        await WaitUntilAsync(() => Lines(exporter.StandardOutput).Count >= stored.Count, () => exporter.StandardError);
        exporter.Terminate();

        (await exporter.WaitForExitAsync(Wait)).Should().Be(0, exporter.StandardError);
        exporter.StandardError.Should().Contain($"stopped after {stored.Count} entries");
        Keys(Lines(exporter.StandardOutput)).Should().BeEquivalentTo(stored).And.OnlyHaveUniqueItems();
        Lines(exporter.StandardOutput).Should().OnlyContain(l => l.StartsWith("{\"chain\":", StringComparison.Ordinal), "stdout carries data only; progress goes to stderr");
        stored.Select(s => s.Chain).Distinct().Should().BeEquivalentTo(["default", "acme", "beta"]);
    }

    [Fact]
    public async Task Follow_SigkilledMidStreamAndRestarted_OutputFileHasEveryEntryExactlyOnce()
    {
        await using var appender = await AuditAppender.OpenAsync(Data);
        await appender.AppendAsync("default", 300);
        await appender.AppendAsync("acme", 300);
        var output = _folder.File("siem", "audit.jsonl");
        var positions = _folder.File("siem", "export.position");
        Directory.CreateDirectory(_folder.File("siem"));
        string[] arguments = ["audit", "export", "--follow", "--data", Data, "--output", output, "--position-file", positions];
        var writing = Task.Run(async () =>
        {
            for (var i = 0; i < 150; i++)
            {
                await appender.AppendAsync(i % 2 == 0 ? "default" : "acme", 4);
                await Task.Delay(10);
            }
        });

        var kills = 0;
        while (!writing.IsCompleted || kills < 3)
        {
            var exporter = ServerProcess.Start(arguments);
            try
            {
                var before = File.Exists(output) ? new FileInfo(output).Length : 0;
                await WaitUntilAsync(() => File.Exists(output) && new FileInfo(output).Length > before, () => exporter.StandardError);
                await Task.Delay(Random.Shared.Next(0, 60));
            }
            finally
            {
                exporter.Dispose(); // SIGKILL.
            }

            kills++;
        }

        await writing;
        var stored = await AuditAppender.StoredAsync(Data);
        using (var last = ServerProcess.Start(arguments))
        {
            await last.WaitForStderrAsync("caught up", Wait);
            last.Terminate();
            (await last.WaitForExitAsync(Wait)).Should().Be(0, last.StandardError);
        }

        var text = await File.ReadAllTextAsync(output);
        text.Should().EndWith("\n", "no partial line is left in the file");
        Keys(Lines(text)).Should().BeEquivalentTo(stored, "after {0} SIGKILLs no entry is missing", kills).And.OnlyHaveUniqueItems("and none is repeated");
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(positions).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.GetUnixFileMode(output).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    [Fact]
    public async Task Syslog_TlsCollectorWithPrivateCa_ReceivesOctetCountedRfc5424FramesThatParse()
    {
        var ca = _folder.File("ca.pem");
        using var certificates = CollectorCertificates.Create(ca);
        await using var collector = SyslogCollector.Start(certificates.Server);
        await using (var appender = await AuditAppender.OpenAsync(Data))
        {
            await appender.AppendAsync("default", 12);
            await appender.AppendAsync("acme", 3);
        }

        var (code, stdout, stderr) = await ServerProcess.RunAsync(
            ["audit", "export", "--data", Data, "--format", "syslog", "--syslog", $"127.0.0.1:{collector.Port}", "--syslog-ca", ca]);

        code.Should().Be(0, stderr);
        stdout.Should().BeEmpty();
        collector.Problems.Should().BeEmpty();
        var messages = collector.Messages.Select(Rfc5424Message.Parse).ToList();
        messages.Should().HaveCount(15);
        var stored = await AuditAppender.StoredAsync(Data);
        messages.Select(m => (m.StructuredData["governedcrm@32473"]["chain"], long.Parse(m.StructuredData["governedcrm@32473"]["seq"], System.Globalization.CultureInfo.InvariantCulture)))
            .Should().Equal(stored);
        messages.Should().OnlyContain(m => m.Facility == 13 && m.AppName == "governed-crm" && m.Timestamp.Offset == TimeSpan.Zero);
        var denied = messages.First(m => m.MsgId == "denied");
        denied.Severity.Should().Be(4);
        using var body = JsonDocument.Parse(denied.Message!);
        body.RootElement.GetProperty("outcome").GetString().Should().Be("denied:policy.denied");
        body.RootElement.GetProperty("seq").GetInt64().Should().Be(long.Parse(denied.StructuredData["governedcrm@32473"]["seq"], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Syslog_CollectorDownForAWhileThenUp_NothingLostNothingRepeated()
    {
        var ca = _folder.File("ca.pem");
        using var certificates = CollectorCertificates.Create(ca);
        await using var collector = SyslogCollector.Start(certificates.Server);
        await using var appender = await AuditAppender.OpenAsync(Data);
        await appender.AppendAsync("default", 30);

        using var exporter = ServerProcess.Start(
            ["audit", "export", "--follow", "--data", Data, "--syslog", $"127.0.0.1:{collector.Port}", "--syslog-ca", ca, "--position-file", _folder.File("syslog.position")]);
        await collector.WaitForAsync(30, Wait, () => exporter.StandardError);
        await collector.StopAsync();
        await appender.AppendAsync("default", 20);
        await appender.AppendAsync("acme", 20);
        await exporter.WaitForStderrAsync("unavailable", Wait);
        await Task.Delay(1500);
        collector.Restart();
        await collector.WaitForAsync(70, Wait, () => exporter.StandardError);
        await Task.Delay(500); // Anything sent twice would arrive by now.
        exporter.Terminate();

        (await exporter.WaitForExitAsync(Wait)).Should().Be(0, exporter.StandardError);
        var keys = collector.Messages.Select(Rfc5424Message.Parse)
            .Select(m => (m.StructuredData["governedcrm@32473"]["chain"], long.Parse(m.StructuredData["governedcrm@32473"]["seq"], System.Globalization.CultureInfo.InvariantCulture)));
        keys.Should().BeEquivalentTo(await AuditAppender.StoredAsync(Data)).And.OnlyHaveUniqueItems();
        exporter.StandardError.Should().Contain("connected to the syslog collector 127.0.0.1:").And.Contain("(TLS)");
    }

    [Fact]
    public async Task Syslog_CefOverPlaintextWhenAskedFor_MessagesCarryParsableCefLines()
    {
        await using var collector = SyslogCollector.Start(certificate: null);
        await using (var appender = await AuditAppender.OpenAsync(Data))
        {
            await appender.AppendAsync("default", 5);
        }

        var (code, _, stderr) = await ServerProcess.RunAsync(
            ["audit", "export", "--data", Data, "--format", "cef", "--syslog", $"127.0.0.1:{collector.Port}", "--syslog-insecure-plaintext"]);

        code.Should().Be(0, stderr);
        var cef = collector.Messages.Select(Rfc5424Message.Parse).Select(m => CefLine.Parse(m.Message!)).ToList();
        cef.Select(c => c["cn1"]).Should().Equal("0", "1", "2", "3", "4");
        cef.Should().OnlyContain(c => c.Header[1] == "GovernedCrm" && c["cs1"] == "default" && c["suser"].StartsWith("user-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Syslog_CollectorCertificateNotTrusted_Exit2NothingSent()
    {
        using var certificates = CollectorCertificates.Create(_folder.File("ca.pem"));
        await using var collector = SyslogCollector.Start(certificates.Server);
        await using (var appender = await AuditAppender.OpenAsync(Data))
        {
            await appender.AppendAsync("default", 2);
        }

        var (code, _, stderr) = await ServerProcess.RunAsync(["audit", "export", "--data", Data, "--syslog", $"127.0.0.1:{collector.Port}"]);

        code.Should().Be(2);
        stderr.Should().Contain("governed-crm: error: the syslog collector 127.0.0.1:").And.Contain("failed the TLS check");
        collector.Messages.Should().BeEmpty();
    }

    [Theory]
    [InlineData("need --syslog HOST:PORT", "--syslog-insecure-plaintext")]
    [InlineData("need --syslog HOST:PORT", "--syslog-ca", "ca.pem")]
    [InlineData("--syslog must be HOST:PORT", "--syslog", "no-port")]
    [InlineData("name two destinations", "--syslog", "127.0.0.1:1", "--output", "out.jsonl")]
    public async Task Export_SyslogOptionsMisused_Exit2OneLine(string expected, params string[] options)
    {
        await using (var appender = await AuditAppender.OpenAsync(Data))
        {
            await appender.AppendAsync("default", 1);
        }

        var (code, stdout, stderr) = await ServerProcess.RunAsync(["audit", "export", "--data", Data, .. options]);

        code.Should().Be(2);
        stdout.Should().BeEmpty();
        CliErrorOutput.ShouldBeOneErrorLine(stderr, expected);
    }

    [Fact]
    public async Task Export_CefToStdout_OneParsableLinePerEntry()
    {
        await using (var appender = await AuditAppender.OpenAsync(Data))
        {
            await appender.AppendAsync("default", 6);
        }

        var (code, stdout, _) = await ServerProcess.RunAsync(["audit", "export", "--data", Data, "--format", "cef", "--since", "2"]);

        code.Should().Be(0);
        Lines(stdout).Select(CefLine.Parse).Select(c => c["cn1"]).Should().Equal("2", "3", "4", "5");
    }

    public void Dispose() => _folder.Dispose();

    private static List<string> Lines(string text) => [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries)];

    private static List<(string Chain, long Seq)> Keys(IEnumerable<string> jsonLines) => [.. jsonLines.Select(line =>
    {
        using var entry = JsonDocument.Parse(line);
        return (entry.RootElement.GetProperty("chain").GetString()!, entry.RootElement.GetProperty("seq").GetInt64());
    })];

    private static async Task WaitUntilAsync(Func<bool> condition, Func<string> context)
    {
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > Wait)
            {
                throw new TimeoutException($"condition not met within {Wait}. stderr:\n{context()}");
            }

            await Task.Delay(20);
        }
    }
}
