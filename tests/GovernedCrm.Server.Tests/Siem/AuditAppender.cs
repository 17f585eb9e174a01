using GovernedCrm.Audit.Entries;
using GovernedCrm.Audit.Records;
using GovernedCrm.Audit.Store;
using Microsoft.Extensions.Logging.Abstractions;

namespace GovernedCrm.Server.Tests.Siem;

/// <summary>The real audit writer on a data folder, appending entries while an exporter reads the same database.</summary>
internal sealed class AuditAppender : IAsyncDisposable
{
    private readonly AuditWriter _writer;
    private int _count;

    private AuditAppender(string dataFolder, AuditWriter writer)
    {
        DataFolder = dataFolder;
        _writer = writer;
    }

    public string DataFolder { get; }

    public static async Task<AuditAppender> OpenAsync(string dataFolder)
    {
        Directory.CreateDirectory(dataFolder);
        var writer = await AuditTrailFactory.OpenAsync(AuditPaths.InDataFolder(dataFolder), TimeProvider.System, NullLoggerFactory.Instance, tuning: null, CancellationToken.None);
        return new AuditAppender(dataFolder, writer);
    }

    /// <summary>Appends <paramref name="count"/> entries to <paramref name="tenant"/>'s chain (an update of deal N by user-N).</summary>
    public async Task AppendAsync(string tenant, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var n = Interlocked.Increment(ref _count);
            await _writer.AppendAsync(Record(tenant, n), CancellationToken.None);
        }
    }

    /// <summary>The stored entries of every chain: (chain, seq) pairs, as the database holds them.</summary>
    public static async Task<List<(string Chain, long Seq)>> StoredAsync(string dataFolder)
    {
        var stored = new List<(string, long)>();
        await foreach (var entry in AuditEntryReader.ReadAsync(Path.Combine(dataFolder, "audit.db"), null, 0, CancellationToken.None))
        {
            stored.Add((entry.Record.Tenant, entry.Sequence));
        }

        return stored;
    }

    public static AuditRecord Record(string tenant, int n) => new()
    {
        Tenant = tenant,
        Event = (n % 5) switch { 0 => AuditEventType.Denied, 1 => AuditEventType.Received, 2 => AuditEventType.Proposed, 3 => AuditEventType.Executed, _ => AuditEventType.Failed },
        Action = AuditActionType.Write,
        Actor = $"user-{n % 7}",
        ExecutionId = $"exec-{n}",
        Tool = "CRM.UpdateRecord",
        TargetSystem = "crm",
        ObjectType = "deal",
        RecordId = n.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Properties = "amount",
        ProposedValues = $$"""{"amount":{{n}}}""",
        Outcome = n % 5 == 0 ? "denied:policy.denied" : "executed",
        Rule = "test-rule",
        PolicyVersion = "test-1",
    };

    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}
