using System.Diagnostics;

namespace GovernedCrm.Server.Tests.AuditProcess;

/// <summary>Runs <c>governed-crm verify --data DIR</c> as a real process.</summary>
internal static class AuditVerifyCli
{
    public static async Task<(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed)> RunAsync(string dataFolder)
    {
        var watch = Stopwatch.StartNew();

        // Empty values: the key and anchor are the ones in the data folder, whatever the test environment says.
        var (code, stdout, stderr) = await ServerProcess.RunAsync(
            ["verify", "--data", dataFolder],
            new Dictionary<string, string?> { ["GOVERNEDCRM_AUDIT_KEY"] = "", ["GOVERNEDCRM_AUDIT_ANCHOR"] = "" });
        return (code, stdout, stderr, watch.Elapsed);
    }
}
