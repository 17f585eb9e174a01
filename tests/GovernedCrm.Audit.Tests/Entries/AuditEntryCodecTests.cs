using GovernedCrm.Audit.Entries;
using GovernedCrm.Audit.Records;

namespace GovernedCrm.Audit.Tests.Entries;

public sealed class AuditEntryCodecTests
{
    internal static AuditRecord SampleRecord(string tenant = "default", string executionId = "exec-1") => new()
    {
        Tenant = tenant,
        Event = AuditEventType.Proposed,
        Action = AuditActionType.Write,
        Actor = "alice",
        OnBehalfOf = "claude-desktop/1.2",
        SessionId = "s-1",
        RequestId = "7",
        ExecutionId = executionId,
        CorrelationId = "trace-9",
        Tool = "CRM.UpdateRecord",
        TargetSystem = "crm",
        ObjectType = "deal",
        RecordId = "3001",
        Properties = "amount",
        PreviousValues = """{"amount":1000}""",
        ProposedValues = """{"amount":75000}""",
        Reasoning = "Customer signed — ünïcödé",
        Confidence = 0.85,
        PolicyVersion = "v1",
        Rule = "builtin.allow-all",
        Outcome = "allowed",
        ArgumentsDigest = "ab12",
    };

    [Fact]
    public void Encode_ThenDecode_RoundTrips()
    {
        var entry = new AuditEntry("governed-crm/audit/default", 42, DateTimeOffset.FromUnixTimeMilliseconds(1_795_000_000_123), new byte[32], SampleRecord());

        var body = AuditEntryCodec.Encode(entry);

        AuditEntryCodec.TryDecode(body, out var decoded, out var error).Should().BeTrue(error);
        decoded.Should().BeEquivalentTo(entry);
        body[0].Should().Be(AuditEntryCodec.Version1);
    }

    [Fact]
    public void Encode_NullFields_RoundTripAsNull()
    {
        var record = new AuditRecord { Tenant = "t", Event = AuditEventType.Received, Action = AuditActionType.Read, Actor = "a", ExecutionId = "e" };
        var entry = new AuditEntry("o", 0, DateTimeOffset.UnixEpoch, new byte[32], record);

        AuditEntryCodec.TryDecode(AuditEntryCodec.Encode(entry), out var decoded, out _).Should().BeTrue();

        decoded!.Record.Should().Be(record);
    }

    [Fact]
    public void TryDecode_TrailingByte_Rejected()
    {
        var body = AuditEntryCodec.Encode(new AuditEntry("o", 1, DateTimeOffset.UnixEpoch, new byte[32], SampleRecord()));

        AuditEntryCodec.TryDecode([.. body, 0], out _, out var error).Should().BeFalse();
        error.Should().Contain("trailing");
    }

    [Fact]
    public void TryDecode_EveryTruncation_RejectedWithoutThrowing()
    {
        var body = AuditEntryCodec.Encode(new AuditEntry("o", 1, DateTimeOffset.UnixEpoch, new byte[32], SampleRecord()));

        for (var length = 0; length < body.Length; length++)
        {
            AuditEntryCodec.TryDecode(body.AsSpan(0, length), out _, out _).Should().BeFalse($"a body cut to {length} bytes is incomplete");
        }
    }

    [Fact]
    public void TryDecode_UnknownVersion_Rejected()
    {
        var body = AuditEntryCodec.Encode(new AuditEntry("o", 1, DateTimeOffset.UnixEpoch, new byte[32], SampleRecord()));
        body[0] = 2;

        AuditEntryCodec.TryDecode(body, out _, out var error).Should().BeFalse();
        error.Should().Contain("version");
    }
}
