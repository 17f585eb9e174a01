using GovernedCrm.Hosting;
using GovernedCrm.Hosting.Telemetry;

namespace GovernedCrm.Server.Tests.Telemetry;

/// <summary>Which standard OTEL_* settings turn the export on, which signals it carries, and which settings are refused at startup.</summary>
public sealed class OtlpExportSettingsTests
{
    private const string Endpoint = "http://127.0.0.1:4318";

    [Fact]
    public void Read_NoEndpoint_IsOff()
    {
        OtlpExportSettings.Read(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_SERVICE_NAME"] = "crm",
            ["OTEL_TRACES_EXPORTER"] = "otlp",
            ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = Endpoint, // Signal endpoints alone do not turn it on (docs/opentelemetry.md).
        }).Should().BeNull();
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Read_EmptyEndpoint_IsOff(string endpoint) =>
        OtlpExportSettings.Read(new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint }).Should().BeNull();

    [Theory]
    [InlineData("true")]
    [InlineData("TRUE")]
    public void Read_SdkDisabled_IsOff(string disabled) =>
        OtlpExportSettings.Read(new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Endpoint, ["OTEL_SDK_DISABLED"] = disabled }).Should().BeNull();

    [Fact]
    public void Read_EndpointOnly_ExportsEverySignalOverGrpc()
    {
        var settings = OtlpExportSettings.Read(new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Endpoint, ["OTEL_SDK_DISABLED"] = "false" });

        settings.Should().NotBeNull();
        settings!.Endpoint.Should().Be(new Uri(Endpoint));
        settings.Protocol.Should().Be("grpc", "the .NET SDK's default");
        (settings.Traces, settings.Metrics, settings.Logs).Should().Be((true, true, true));
        settings.Signals.Should().Be("traces, metrics, logs");
        settings.Unsupported.Should().BeEmpty();
    }

    [Fact]
    public void Read_ASignalsExporterNone_LeavesThatSignalOut()
    {
        var settings = OtlpExportSettings.Read(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_TRACES_EXPORTER"] = "none",
            ["OTEL_LOGS_EXPORTER"] = " otlp ",
        })!;

        (settings.Traces, settings.Metrics, settings.Logs).Should().Be((false, true, true));
        settings.Protocol.Should().Be("http/protobuf");
    }

    [Fact]
    public void Read_EverySignalNone_IsOff() =>
        OtlpExportSettings.Read(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Endpoint,
            ["OTEL_TRACES_EXPORTER"] = "none",
            ["OTEL_METRICS_EXPORTER"] = "none",
            ["OTEL_LOGS_EXPORTER"] = "none",
        }).Should().BeNull();

    [Fact]
    public void Read_AnExporterThisServerLacks_IsNamedAndThatSignalIsNotExported()
    {
        var settings = OtlpExportSettings.Read(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Endpoint,
            ["OTEL_METRICS_EXPORTER"] = "prometheus",
            ["OTEL_TRACES_EXPORTER"] = "otlp,console",
        })!;

        (settings.Traces, settings.Metrics, settings.Logs).Should().Be((true, false, true));
        settings.Unsupported.Should().BeEquivalentTo("OTEL_METRICS_EXPORTER=prometheus", "OTEL_TRACES_EXPORTER=console");
    }

    [Theory]
    [InlineData("http/json")]
    [InlineData("HTTP")]
    public void Read_ProtocolTheSdkLacks_IsRefused(string protocol)
    {
        var read = () => OtlpExportSettings.Read(new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Endpoint, ["OTEL_EXPORTER_OTLP_PROTOCOL"] = protocol });

        read.Should().Throw<StartupException>().WithMessage($"OTEL_EXPORTER_OTLP_PROTOCOL={protocol} is not supported*grpc*http/protobuf*");
    }

    [Theory]
    [InlineData("collector:4317")]
    [InlineData("ftp://collector")]
    [InlineData("/v1/traces")]
    public void Read_EndpointThatIsNotAnHttpUrl_IsRefused(string endpoint)
    {
        var read = () => OtlpExportSettings.Read(new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint });

        read.Should().Throw<StartupException>().WithMessage("OTEL_EXPORTER_OTLP_ENDPOINT must be*http://*https://*");
    }

    [Fact]
    public void EndpointForLog_LeavesUserInformationAndQueryOut()
    {
        var settings = OtlpExportSettings.Read(new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "https://user:p4ss@collector.example:4318/otlp?token=t0k" })!;

        settings.EndpointForLog.Should().Be("https://collector.example:4318/otlp");
    }
}
