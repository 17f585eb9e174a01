namespace GovernedCrm.Server.Tests.Telemetry;

/// <summary>One exported span (opentelemetry/proto/trace/v1/trace.proto).</summary>
internal sealed record OtlpSpan(
    string TraceId, string SpanId, string? ParentSpanId, string? TraceState, string Name, int Kind, ulong Start, int StatusCode,
    IReadOnlyDictionary<string, object?> Attributes, IReadOnlyDictionary<string, object?> Resource, int Arrival);

/// <summary>One exported metric data point: a sum's or gauge's value, or a histogram's count and sum.</summary>
internal sealed record OtlpPoint(string Metric, string Kind, IReadOnlyDictionary<string, object?> Attributes, double Value, ulong Count, ulong Time);

/// <summary>One exported log record, with its scope (the logger's category).</summary>
internal sealed record OtlpLog(string Scope, string? Body, IReadOnlyDictionary<string, object?> Attributes, string? TraceId);

/// <summary>
/// Reads the OTLP export requests (ExportTraceServiceRequest, ExportMetricsServiceRequest, ExportLogsServiceRequest:
/// opentelemetry/proto/collector/*) by field number.
/// </summary>
internal static class OtlpRecords
{
    /// <summary>resource_spans = 1 → resource = 1, scope_spans = 2 → spans = 2 → trace_id = 1, span_id = 2, trace_state = 3, parent_span_id = 4, name = 5, kind = 6, start = 7, attributes = 9, status = 15 (code = 3).</summary>
    public static IEnumerable<OtlpSpan> Spans(byte[] request, int arrival) =>
        from resourceSpans in ProtoMessage.Parse(request).Messages(1)
        let resource = Attributes(resourceSpans.Message(1), 1)
        from scopeSpans in resourceSpans.Messages(2)
        from span in scopeSpans.Messages(2)
        select new OtlpSpan(
            span.Hex(1)!, span.Hex(2)!, span.Hex(4), span.String(3), span.String(5)!, (int)(span.Number(6) ?? 0), span.Number(7) ?? 0,
            (int)(span.Message(15)?.Number(3) ?? 0), Attributes(span, 9), resource, arrival);

    /// <summary>resource_metrics = 1 → scope_metrics = 2 → metrics = 2 → name = 1, gauge = 5 / sum = 7 / histogram = 9 → data_points = 1.</summary>
    public static IEnumerable<OtlpPoint> Points(byte[] request)
    {
        foreach (var metric in ProtoMessage.Parse(request).Messages(1).SelectMany(r => r.Messages(2)).SelectMany(s => s.Messages(2)))
        {
            var name = metric.String(1)!;
            foreach (var (kind, field) in new[] { ("gauge", 5), ("sum", 7) })
            {
                // NumberDataPoint: attributes = 7, time = 3, as_double = 4 (fixed64), as_int = 6 (sfixed64).
                foreach (var point in metric.Message(field)?.Messages(1) ?? [])
                {
                    var value = point.Double(4) ?? (double)unchecked((long)(point.Number(6) ?? 0));
                    yield return new OtlpPoint(name, kind, Attributes(point, 7), value, 0, point.Number(3) ?? 0);
                }
            }

            // HistogramDataPoint: attributes = 9, time = 3, count = 4, sum = 5.
            foreach (var point in metric.Message(9)?.Messages(1) ?? [])
            {
                yield return new OtlpPoint(name, "histogram", Attributes(point, 9), point.Double(5) ?? 0, point.Number(4) ?? 0, point.Number(3) ?? 0);
            }
        }
    }

    /// <summary>resource_logs = 1 → scope_logs = 2 (scope = 1 → name = 1) → log_records = 2 → body = 5, attributes = 6, trace_id = 9.</summary>
    public static IEnumerable<OtlpLog> Logs(byte[] request) =>
        from resourceLogs in ProtoMessage.Parse(request).Messages(1)
        from scopeLogs in resourceLogs.Messages(2)
        let scope = scopeLogs.Message(1)?.String(1) ?? ""
        from record in scopeLogs.Messages(2)
        select new OtlpLog(scope, AnyValue(record.Message(5)) as string, Attributes(record, 6), record.Hex(9));

    // KeyValue: key = 1, value = 2 (AnyValue).
    private static Dictionary<string, object?> Attributes(ProtoMessage? message, int field) =>
        (message?.Messages(field) ?? []).GroupBy(kv => kv.String(1)!).ToDictionary(g => g.Key, g => AnyValue(g.Last().Message(2)));

    // AnyValue, a oneof: string = 1, bool = 2, int = 3, double = 4 (arrays and lists are not used by the server's attributes).
    private static object? AnyValue(ProtoMessage? value) =>
        value is null ? null
        : value.String(1) is { } text ? text
        : value.Number(2) is { } flag ? (object)(flag != 0)
        : value.Number(3) is { } integer ? (object)unchecked((long)integer)
        : value.Double(4);
}
