using System.Collections;
using GovernedCrm.Governance.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace GovernedCrm.Hosting.Telemetry;

/// <summary>
/// Wires the OpenTelemetry SDK into a host when <see cref="OtlpExportSettings"/> says so (docs/opentelemetry.md): the
/// governed calls' spans (<see cref="GovernanceTelemetry.Source"/>), the server's metrics
/// (<see cref="GovernanceTelemetry.Meter"/>, with the pending approvals gauge) and its log records (with one per audit
/// entry, <see cref="AuditEntryLog"/>), each exported over OTLP. Otherwise it adds nothing: no provider, no exporter,
/// no listener, so the instrumentation costs one check per span or measurement.
/// </summary>
internal static partial class OpenTelemetryExport
{
    /// <summary>The service name when neither <c>OTEL_SERVICE_NAME</c> nor <c>OTEL_RESOURCE_ATTRIBUTES</c> names one.</summary>
    public const string ServiceName = "governed-crm";

    private const string Prefix = "OTEL_";

    /// <summary>The process's <c>OTEL_*</c> environment variables.</summary>
    /// <returns>Name → value.</returns>
    public static IReadOnlyDictionary<string, string?> EnvironmentVariables() =>
        Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .Where(e => e.Key is string name && name.StartsWith(Prefix, StringComparison.Ordinal))
            .ToDictionary(e => (string)e.Key, e => e.Value as string, StringComparer.Ordinal);

    /// <summary>Adds the export to <paramref name="builder"/> when <paramref name="variables"/> configure it.</summary>
    /// <param name="builder">The host's builder (its logging already set up: the exporter joins its providers).</param>
    /// <param name="variables">The <c>OTEL_*</c> variables (<see cref="EnvironmentVariables"/>).</param>
    /// <returns>The settings in force, or null when export is off.</returns>
    /// <exception cref="StartupException">The variables are invalid (<see cref="OtlpExportSettings.Read"/>).</exception>
    public static OtlpExportSettings? Add(IHostApplicationBuilder builder, IReadOnlyDictionary<string, string?> variables)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (OtlpExportSettings.Read(variables) is not { } settings)
        {
            return null;
        }

        // The SDK reads its settings from the host's configuration, which has no environment variables of its own here.
        builder.Configuration.AddInMemoryCollection(variables.Where(v => v.Key.StartsWith(Prefix, StringComparison.Ordinal)));
        var telemetry = builder.Services.AddOpenTelemetry()
            // Later detectors win: OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES override this default service name.
            .ConfigureResource(r => r.Clear().AddService(ServiceName, serviceVersion: ServerInfo.Version).AddTelemetrySdk().AddEnvironmentVariableDetector());
        if (settings.Traces)
        {
            telemetry.WithTracing(tracing => tracing.AddSource(GovernanceTelemetry.Name).AddOtlpExporter());
        }

        if (settings.Metrics)
        {
            builder.Services.AddMetrics();
            builder.Services.AddHostedService<PendingApprovalsGauge>();
            telemetry.WithMetrics(metrics => metrics.AddMeter(GovernanceTelemetry.Name).AddOtlpExporter());
        }

        if (settings.Logs)
        {
            builder.Services.AddSingleton<AuditEntryLog>();
            builder.Logging.AddFilter<ConsoleLoggerProvider>(AuditEntryLog.Category, LogLevel.None); // Records for the collector, not lines on stderr.
            telemetry.WithLogging(logging => logging.AddOtlpExporter(), options => options.IncludeFormattedMessage = true);
        }

        builder.Services.AddHostedService(sp => new ExportAnnouncement(settings, sp.GetRequiredService<ILoggerFactory>().CreateLogger("GovernedCrm.Server")));
        return settings;
    }

    // One line at start: what is exported where (the endpoint without user information), and what was asked for but is not here.
    private sealed partial class ExportAnnouncement(OtlpExportSettings settings, ILogger logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            LogExporting(logger, settings.Signals, settings.EndpointForLog, settings.Protocol);
            if (settings.Unsupported.Count > 0)
            {
                LogUnsupported(logger, string.Join(", ", settings.Unsupported));
            }

            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(Level = LogLevel.Information, Message = "OpenTelemetry: exporting {Signals} over OTLP to {Endpoint} ({Protocol})")]
        private static partial void LogExporting(ILogger logger, string signals, string endpoint, string protocol);

        [LoggerMessage(Level = LogLevel.Warning, Message = "OpenTelemetry: only the otlp exporter is available; ignored {Exporters}")]
        private static partial void LogUnsupported(ILogger logger, string exporters);
    }
}
