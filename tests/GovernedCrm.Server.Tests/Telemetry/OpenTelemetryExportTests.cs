using GovernedCrm.Governance.Telemetry;
using GovernedCrm.Hosting.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace GovernedCrm.Server.Tests.Telemetry;

/// <summary>
/// What the composition root adds to a host for OpenTelemetry: nothing at all without an OTLP endpoint (no provider,
/// no exporter, no listener on the server's source), the providers with one.
/// </summary>
public sealed class OpenTelemetryExportTests
{
    [Fact]
    public async Task Add_WithoutEndpoint_AddsNoServiceAndNoExporterRuns()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var before = builder.Services.Count;

        var settings = OpenTelemetryExport.Add(builder, new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_SERVICE_NAME"] = "crm",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
        });

        settings.Should().BeNull();
        builder.Services.Count.Should().Be(before, "export off adds nothing to the host");
        using var host = builder.Build();
        await host.StartAsync();
        host.Services.GetService<TracerProvider>().Should().BeNull();
        host.Services.GetService<MeterProvider>().Should().BeNull();
        host.Services.GetServices<ILoggerProvider>().Should().NotContain(p => p is OpenTelemetryLoggerProvider);
        await host.StopAsync();
    }

    [Fact]
    public async Task Add_WithEndpoint_RunsTheProvidersOfTheServersSourceAndMeter()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton(TimeProvider.System);

        var settings = OpenTelemetryExport.Add(builder, new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:9", // Nothing listens there: nothing is exported in this test.
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_LOGS_EXPORTER"] = "none",
        });

        settings.Should().NotBeNull();
        using var host = builder.Build();
        host.Services.GetService<TracerProvider>().Should().NotBeNull();
        host.Services.GetService<MeterProvider>().Should().NotBeNull();
        host.Services.GetServices<ILoggerProvider>().Should().NotContain(p => p is OpenTelemetryLoggerProvider, "OTEL_LOGS_EXPORTER=none");
        host.Services.GetService<AuditEntryLog>().Should().BeNull("no audit log records without the log exporter");
        GovernanceTelemetry.Source.HasListeners().Should().BeTrue("the tracer provider listens to the server's source");
    }
}
