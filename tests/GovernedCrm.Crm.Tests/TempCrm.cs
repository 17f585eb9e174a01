using GovernedCrm.Crm.Embedded;
using Microsoft.Extensions.Time.Testing;

namespace GovernedCrm.Crm.Tests;

/// <summary>A seeded embedded CRM in a temporary folder (a real file in WAL mode), removed afterwards.</summary>
internal sealed class TempCrm : IAsyncDisposable
{
    private readonly TempFolder _folder;

    private TempCrm(TempFolder folder, EmbeddedCrmDatabase database, FakeTimeProvider time)
    {
        _folder = folder;
        Database = database;
        Time = time;
        Connector = new EmbeddedCrmConnector(database, time);
    }

    public static CrmActor Alice { get; } = new("alice", DemoDataSeed.DefaultTenant);

    public string Folder => _folder.Path;

    public string DatabasePath => Database.Options.DatabasePath;

    public EmbeddedCrmDatabase Database { get; }

    public FakeTimeProvider Time { get; }

    public EmbeddedCrmConnector Connector { get; }

    public static async Task<TempCrm> CreateAsync(bool seed = true)
    {
        var folder = new TempFolder("governedcrm-crm-");
        var database = new EmbeddedCrmDatabase(new EmbeddedCrmOptions { DatabasePath = folder.File(EmbeddedCrmOptions.FileName), SeedDemoData = seed });
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));
        await database.InitializeAsync(time, CancellationToken.None);
        return new TempCrm(folder, database, time);
    }

    public async ValueTask DisposeAsync()
    {
        await Task.Yield();
        _folder.Dispose();
    }
}
