namespace GovernedCrm.Hosting.Telemetry;

/// <summary>
/// Whether and what the server exports over OTLP, read from the standard <c>OTEL_*</c> variables: nothing unless
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (and <c>OTEL_SDK_DISABLED</c> is not <c>true</c>); then traces, metrics and
/// logs, each unless its <c>OTEL_{SIGNAL}_EXPORTER</c> names no <c>otlp</c> (e.g. <c>none</c>). The OpenTelemetry SDK
/// reads the rest itself (protocol, headers, timeouts, batch and export intervals, service name, resource attributes).
/// An empty variable counts as unset.
/// </summary>
/// <param name="Endpoint">The collector's base URL.</param>
/// <param name="Protocol">The OTLP protocol: <c>grpc</c> (the .NET SDK's default) or <c>http/protobuf</c>.</param>
/// <param name="Traces">Export spans.</param>
/// <param name="Metrics">Export metrics.</param>
/// <param name="Logs">Export log records (the server's log and one record per audit entry).</param>
/// <param name="Unsupported">Exporters named by <c>OTEL_{SIGNAL}_EXPORTER</c> that this server does not have (only <c>otlp</c> and <c>none</c>).</param>
internal sealed record OtlpExportSettings(Uri Endpoint, string Protocol, bool Traces, bool Metrics, bool Logs, IReadOnlyList<string> Unsupported)
{
    /// <summary>The collector's base URL; export is off without it.</summary>
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The OTLP protocol.</summary>
    public const string ProtocolVariable = "OTEL_EXPORTER_OTLP_PROTOCOL";

    /// <summary><c>true</c> turns every signal off.</summary>
    public const string DisabledVariable = "OTEL_SDK_DISABLED";

    /// <summary>The exporters of spans.</summary>
    public const string TracesExporterVariable = "OTEL_TRACES_EXPORTER";

    /// <summary>The exporters of metrics.</summary>
    public const string MetricsExporterVariable = "OTEL_METRICS_EXPORTER";

    /// <summary>The exporters of log records.</summary>
    public const string LogsExporterVariable = "OTEL_LOGS_EXPORTER";

    /// <summary>The protocol the .NET SDK uses when none is set.</summary>
    public const string Grpc = "grpc";

    /// <summary>OTLP over HTTP with protobuf bodies (POST /v1/traces, /v1/metrics, /v1/logs).</summary>
    public const string HttpProtobuf = "http/protobuf";

    private const string Otlp = "otlp";
    private const string None = "none";

    /// <summary>Reads the settings; null when export is off.</summary>
    /// <param name="variables">The process's <c>OTEL_*</c> variables.</param>
    /// <returns>The settings, or null.</returns>
    /// <exception cref="StartupException">The endpoint is not an absolute http(s) URL, or the protocol is not one the SDK has.</exception>
    public static OtlpExportSettings? Read(IReadOnlyDictionary<string, string?> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var endpoint = Value(variables, EndpointVariable);
        if (endpoint is null || string.Equals(Value(variables, DisabledVariable), "true", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new StartupException($"{EndpointVariable} must be the collector's http:// or https:// URL (e.g. http://127.0.0.1:4318).");
        }

        var protocol = Value(variables, ProtocolVariable) ?? Grpc;
        if (protocol is not (Grpc or HttpProtobuf))
        {
            throw new StartupException($"{ProtocolVariable}={protocol} is not supported: use {Grpc} (port 4317) or {HttpProtobuf} (port 4318).");
        }

        var unsupported = new List<string>();
        var traces = Exports(variables, TracesExporterVariable, unsupported);
        var metrics = Exports(variables, MetricsExporterVariable, unsupported);
        var logs = Exports(variables, LogsExporterVariable, unsupported);
        return traces || metrics || logs ? new OtlpExportSettings(url, protocol, traces, metrics, logs, unsupported) : null;
    }

    /// <summary>The signals exported, for the startup line: e.g. "traces, metrics, logs".</summary>
    public string Signals => string.Join(", ", new[] { Traces ? "traces" : null, Metrics ? "metrics" : null, Logs ? "logs" : null }.OfType<string>());

    /// <summary>The endpoint without user information, query or fragment: safe to log.</summary>
    public string EndpointForLog => Endpoint.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);

    // Unset: otlp (the specification's default). Otherwise a comma-separated list: on when it names otlp.
    private static bool Exports(IReadOnlyDictionary<string, string?> variables, string name, List<string> unsupported)
    {
        if (Value(variables, name) is not { } list)
        {
            return true;
        }

        var exporters = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        unsupported.AddRange(exporters
            .Where(e => !e.Equals(Otlp, StringComparison.OrdinalIgnoreCase) && !e.Equals(None, StringComparison.OrdinalIgnoreCase))
            .Select(e => $"{name}={e}"));
        return exporters.Any(e => e.Equals(Otlp, StringComparison.OrdinalIgnoreCase));
    }

    private static string? Value(IReadOnlyDictionary<string, string?> variables, string name) =>
        variables.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}
