using System.Diagnostics;
using System.Globalization;
using GovernedCrm.Audit.Witnesses;
using Microsoft.Data.Sqlite;

namespace GovernedCrm.Audit.Tests.Witnesses;

/// <summary>Waiting for the background publisher, and reading what the audit database and a witness folder hold.</summary>
internal static class WitnessTestSupport
{
    public const string Origin = "governed-crm/audit/default";

    /// <summary>Waits (real time, up to 30 s) until <paramref name="condition"/> holds, advancing the fake clock a second every 100 ms so retries come due.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, TempAudit audit, string because)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30), because);
            await Task.Delay(100);
            audit.Time.Advance(TimeSpan.FromSeconds(1));
        }
    }

    public static string WitnessFile(string folder, long size) =>
        Path.Combine(folder, Uri.EscapeDataString(Origin), size.ToString("D20", CultureInfo.InvariantCulture) + ".checkpoint");

    public static IReadOnlyList<long> WitnessedSizes(string folder) =>
        [.. Directory.EnumerateFiles(Path.Combine(folder, Uri.EscapeDataString(Origin)), "*.checkpoint")
            .Select(f => long.Parse(Path.GetFileNameWithoutExtension(f), CultureInfo.InvariantCulture)).Order()];

    public static async Task<string> CheckpointNoteAsync(TempAudit audit, long size)
    {
        await using var connection = new SqliteConnection($"Data Source={audit.Paths.DatabasePath};Pooling=False;Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT note FROM audit_checkpoints WHERE chain = 'default' AND size = $s";
        command.Parameters.AddWithValue("$s", size);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Starts a witness double trusting the audit's key, and reopens the writer publishing to it (tlog-witness, or the collector when <paramref name="collector"/>).</summary>
    public static async Task<(WitnessDouble Double, WitnessTarget Target)> ReopenWithDoubleAsync(TempAudit audit, int checkpointEvery, bool collector = false)
    {
        var witness = new WitnessDouble(audit.VerifierKey);
        await witness.StartAsync();
        var target = WitnessTarget.Parse((collector ? witness.NotesUrl : witness.AddCheckpointUrl).ToString());
        await audit.CloseAsync();
        await audit.OpenAsync(checkpointEvery, witnesses: [target]);
        return (witness, target);
    }

    public static WitnessTarget Folder(TempAudit audit, string name = "witness")
    {
        var folder = Path.Combine(audit.Folder, name);
        Directory.CreateDirectory(folder);
        return WitnessTarget.Parse(folder);
    }
}
