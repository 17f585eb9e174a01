using GovernedCrm.Governance.Policy;
using GovernedCrm.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace GovernedCrm.Server.Tests.Policy;

/// <summary>Hot reload on a real file: a valid change is swapped in atomically; an invalid one keeps the policy in force.</summary>
public sealed class PolicyFileWatcherTests : IDisposable
{
    private const string Base = """
        version: 1
        tenants: [default]
        roles: [rep]
        local_default: { roles: [rep], tenant: default }
        rules:
          - id: read
            effect: allow
            tools: [CRM.GetRecord]
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("governedcrm-reload-").FullName;

    [Fact]
    public async Task ChangedFile_IsValidatedAndSwappedIn_InvalidFileKeepsTheOldPolicy()
    {
        var file = Path.Combine(_folder, "policy.yaml");
        await File.WriteAllTextAsync(file, Base);
        var active = new ActivePolicy(PolicyLoader.LoadFile(file).Policy!, TimeProvider.System);
        using var watcher = new PolicyFileWatcher(active, file, NullLogger<PolicyFileWatcher>.Instance);
        await watcher.StartAsync(CancellationToken.None);
        var first = active.Version;

        // An editor-style save: write a new file and rename it over the old one.
        var temp = file + ".tmp";
        await File.WriteAllTextAsync(temp, Base + "\n  - id: search\n    effect: allow\n    tools: [CRM.SearchRecords]\n");
        File.Move(temp, file, overwrite: true);
        await WaitAsync(() => active.Version != first);
        var second = active.Version;
        active.Current.Summarize().Should().Contain(l => l.Contains("search"));

        await File.WriteAllTextAsync(file, Base.Replace("roles: [rep]", "roles: [rep]\nbogus: 1", StringComparison.Ordinal));
        await Task.Delay(1500);

        active.Version.Should().Be(second, "an invalid file never replaces the policy in force");
        watcher.Reload().Should().BeFalse();
        second.Should().NotBe(first);
        await watcher.StopAsync(CancellationToken.None);
    }

    public void Dispose()
    {
        TempFolder.Delete(_folder);
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!condition())
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "the change should have been picked up");
            await Task.Delay(50);
        }
    }
}
