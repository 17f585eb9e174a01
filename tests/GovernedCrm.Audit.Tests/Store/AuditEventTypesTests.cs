using GovernedCrm.Audit.Entries;
using GovernedCrm.Audit.Records;
using GovernedCrm.Audit.Tests.Entries;

namespace GovernedCrm.Audit.Tests.Store;

/// <summary>Every event type, the newest (CANCELLED) included, is written, read back and verified like the others.</summary>
public sealed class AuditEventTypesTests
{
    [Fact]
    public async Task EveryEventType_RoundTripsAndVerifies()
    {
        await using var audit = await TempAudit.CreateAsync();
        var types = Enum.GetValues<AuditEventType>();

        foreach (var type in types)
        {
            await audit.Writer!.AppendAsync(AuditEntryCodecTests.SampleRecord(executionId: $"e-{type}") with { Event = type }, CancellationToken.None);
        }

        await audit.CloseAsync();
        var report = await audit.VerifyAsync();

        report.Valid.Should().BeTrue(report.Summary);
        report.Entries.Should().Be(types.Length);
        var read = new List<AuditEventType>();
        await foreach (var entry in AuditEntryReader.ReadAsync(audit.Paths.DatabasePath, chain: null, 0, CancellationToken.None))
        {
            read.Add(entry.Record.Event);
        }

        read.Should().Equal(types).And.Contain(AuditEventType.Cancelled);
    }
}
