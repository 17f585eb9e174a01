using System.Text.Json;
using GovernedCrm.Audit.Entries;
using GovernedCrm.Audit.Records;

namespace GovernedCrm.Server.Tests.Siem;

/// <summary>The CEF and RFC 5424 formats of one entry, parsed back by independent parsers: escaping round-trips, fields map to the documented keys.</summary>
public sealed class SiemFormatTests
{
    private const string Nasty = "a|b=c\\d\ne]f\"g\r\nend";

    private static readonly AuditEntry Entry = new(
        AuditChains.Origin("acme"),
        41,
        new DateTimeOffset(2026, 11, 23, 10, 0, 0, 123, TimeSpan.Zero),
        new byte[32],
        AuditAppender.Record("acme", 3) with
        {
            Actor = "alice|x=y\\z",
            Tool = "Custom.Tool|with\\pipe",
            Reasoning = Nasty,
            Approver = Nasty,
            CorrelationId = "corr-1",
            OnBehalfOf = "agent 1.0",
            Confidence = 0.75,
        });

    [Fact]
    public void Cef_ValuesWithPipeEqualsBackslashAndNewlines_RoundTripThroughAParser()
    {
        var line = AuditCefFormat.ToCef(Entry, "1.2.3");

        line.Should().NotContain("\n").And.NotContain("\r");
        var cef = CefLine.Parse(line);
        cef.Header.Should().Equal("0", "GovernedCrm", "governed-crm", "1.2.3", "executed", "executed Custom.Tool|with\\pipe", "3");
        cef["msg"].Should().Be(Nasty);
        cef["suser"].Should().Be("alice|x=y\\z");
        cef["cs6Label"].Should().Be("approver");
        cef["cs6"].Should().Be(Nasty);
        cef["rt"].Should().Be(Entry.Timestamp.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        cef["externalId"].Should().Be("exec-3");
        cef["act"].Should().Be("write");
        cef["outcome"].Should().Be("executed");
        (cef["cn1Label"], cef["cn1"]).Should().Be(("seq", "41"));
        (cef["cs1Label"], cef["cs1"]).Should().Be(("chain", "acme"));
        (cef["cs2Label"], cef["cs2"]).Should().Be(("tool", "Custom.Tool|with\\pipe"));
        (cef["cs4Label"], cef["cs4"]).Should().Be(("record", "deal/3"));
        (cef["cfp1Label"], cef["cfp1"]).Should().Be(("confidence", "0.75"));
        (cef["flexString1Label"], cef["flexString1"]).Should().Be(("correlationId", "corr-1"));
        cef["requestClientApplication"].Should().Be("agent 1.0");
    }

    [Fact]
    public void Cef_HeaderField_EscapesPipeAndBackslash_LineBreakBecomesSpace()
    {
        AuditCefFormat.Header("a|b\\c\r\nd\ne").Should().Be("a\\|b\\\\c d e");
        AuditCefFormat.Extension("a=b\\c\nd\re|f").Should().Be("a\\=b\\\\c\\nd\\re|f");
    }

    [Fact]
    public void Syslog_Rfc5424_HeaderStructuredDataAndJsonMessageParse()
    {
        var json = AuditExportFormat.ToJson(Entry).ToJsonString();
        var text = AuditSyslogFormat.ToSyslog(Entry, "host.example", json);

        var message = Rfc5424Message.Parse(text);
        message.Facility.Should().Be(13);
        message.Severity.Should().Be(6);
        message.Timestamp.Should().Be(Entry.Timestamp);
        (message.HostName, message.AppName, message.ProcId, message.MsgId).Should().Be(("host.example", "governed-crm", "-", "executed"));
        var sd = message.StructuredData.Should().ContainKey("governedcrm@32473").WhoseValue;
        sd["chain"].Should().Be("acme");
        sd["seq"].Should().Be("41");
        sd["actor"].Should().Be("alice|x=y\\z");
        sd["executionId"].Should().Be("exec-3");
        using var body = JsonDocument.Parse(message.Message!);
        body.RootElement.GetProperty("reasoning").GetString().Should().Be(Nasty);
        body.RootElement.GetProperty("seq").GetInt64().Should().Be(41);
    }

    [Fact]
    public void Syslog_ParamValue_EscapesQuoteBackslashBracket_InAParsedMessage()
    {
        var entry = Entry with { Record = Entry.Record with { Actor = "q\"b\\r]x", Event = AuditEventType.Denied } };

        var message = Rfc5424Message.Parse(AuditSyslogFormat.ToSyslog(entry, "", "m"));

        AuditSyslogFormat.ParamValue("q\"b\\r]x").Should().Be("q\\\"b\\\\r\\]x");
        message.StructuredData["governedcrm@32473"]["actor"].Should().Be("q\"b\\r]x");
        message.HostName.Should().Be("-");
        message.Severity.Should().Be(4);
        message.MsgId.Should().Be("denied");
        message.Message.Should().Be("m");
    }
}
