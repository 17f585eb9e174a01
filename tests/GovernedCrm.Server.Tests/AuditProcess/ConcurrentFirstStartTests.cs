using System.Diagnostics;
using System.Globalization;
using System.Text;
using OsProcess = System.Diagnostics.Process;

namespace GovernedCrm.Server.Tests.AuditProcess;

/// <summary>
/// Several servers started at once on a new data folder (several MCP clients configured with one folder, all
/// launched when the host app starts) must all start: creating the CRM database, the audit database and the
/// signing key is safe against the other processes doing the same.
/// </summary>
[Collection(AuditProcessGroup.Name)]
public sealed class ConcurrentFirstStartTests : IDisposable
{
    private const int Servers = 6;
    private const int Trials = 3;

    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(60);

    private readonly string _folder = Directory.CreateTempSubdirectory("governedcrm-firststart-").FullName;

    [Fact]
    [Trait("Category", "Slow")]
    public async Task NewDataFolder_SixServersStartAtOnce_AllStartAndExitCleanly()
    {
        for (var trial = 0; trial < Trials; trial++)
        {
            var data = Path.Combine(_folder, string.Create(CultureInfo.InvariantCulture, $"data-{trial}"));
            var servers = new List<(OsProcess Process, StringBuilder Stderr)>();
            try
            {
                for (var i = 0; i < Servers; i++)
                {
                    servers.Add(Start(data));
                }

                // Stdin EOF: each server stops as soon as it has started (or fails to start).
                foreach (var (process, _) in servers)
                {
                    process.StandardInput.Close();
                }

                var exits = await Task.WhenAll(servers.Select(s => WaitAsync(s.Process)));
                exits.Should().AllBeEquivalentTo(0, "every server should start on the new data folder (trial {0}); stderr:\n{1}",
                    trial, string.Join("\n", servers.Select(s => Stderr(s.Stderr)).Where(e => e.Length > 0).Distinct()));
            }
            finally
            {
                foreach (var (process, _) in servers)
                {
                    if (!process.HasExited)
                    {
                        process.Kill(entireProcessTree: true);
                    }

                    process.Dispose();
                }
            }

            var verify = await AuditVerifyCli.RunAsync(data);
            verify.ExitCode.Should().Be(0, "{0}{1}", verify.Stdout, verify.Stderr);
        }
    }

    public void Dispose() => TempFolder.Delete(_folder);

    private static (OsProcess Process, StringBuilder Stderr) Start(string data)
    {
        var process = OsProcess.Start(ServerLaunch.StartInfo(data)) ?? throw new InvalidOperationException("dotnet did not start");
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null && e.Data.Contains("error", StringComparison.OrdinalIgnoreCase))
            {
                lock (stderr)
                {
                    stderr.AppendLine(e.Data);
                }
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return (process, stderr);
    }

    private static async Task<int> WaitAsync(OsProcess process)
    {
        using var limit = new CancellationTokenSource(ExitTimeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"a server (pid {process.Id}) did not exit within {ExitTimeout} after its stdin was closed");
        }

        process.WaitForExit();
        return process.ExitCode;
    }

    private static string Stderr(StringBuilder stderr)
    {
        lock (stderr)
        {
            return stderr.ToString();
        }
    }
}
