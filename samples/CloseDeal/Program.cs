using GovernedCrm.Audit.Store;
using GovernedCrm.Crm;
using GovernedCrm.Crm.Embedded;
using GovernedCrm.Governance.Audit;
using GovernedCrm.Governance.Policy;
using GovernedCrm.Mcp;
using GovernedCrm.Samples.CloseDeal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// A host that serves the CRM tools plus the custom CRM.CloseDeal tool over stdio, governed by close-deal-policy.yaml.
// Usage: dotnet run --project samples/CloseDeal -- [DATA_FOLDER]
var data = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), "governedcrm-closedeal-sample");
Directory.CreateDirectory(data);
var policy = PolicyLoader.LoadFile(Path.Combine(AppContext.BaseDirectory, "close-deal-policy.yaml"));
if (policy.Policy is null)
{
    throw new InvalidOperationException(string.Join(Environment.NewLine, policy.Errors));
}

var crm = new EmbeddedCrmDatabase(new EmbeddedCrmOptions { DatabasePath = Path.Combine(data, EmbeddedCrmOptions.FileName) });
await crm.InitializeAsync(TimeProvider.System, CancellationToken.None);
using var loggers = LoggerFactory.Create(b => b.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
await using var audit = await AuditTrailFactory.OpenAsync(AuditPaths.InDataFolder(data), TimeProvider.System, loggers, null, CancellationToken.None);

var builder = Host.CreateApplicationBuilder();
builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
builder.Services.AddSingleton(crm);
builder.Services.AddSingleton<ICrmConnector, EmbeddedCrmConnector>();
builder.Services.AddSingleton<IAuditTrail>(audit);
builder.Services.AddGovernancePolicy(new ActivePolicy(policy.Policy, TimeProvider.System));
builder.Services.AddMcpServer()
    .WithStdioServerTransport()
    .WithCrmTools()
    .WithGovernedTools<DealTools>();
await builder.Build().RunAsync();
