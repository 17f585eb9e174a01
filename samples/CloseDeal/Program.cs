// The CloseDeal server: governed-crm over stdio (CRM, policy, approval queue and executor, audit trail) plus CRM.CloseDeal.
using GovernedCrm.Hosting;
using GovernedCrm.Samples.CloseDeal;
using Microsoft.Extensions.Hosting;

var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { Args = args });
builder.AddGovernedCrm(new GovernedCrmOptions { PolicyFile = Environment.GetEnvironmentVariable("GOVERNEDCRM_POLICY") ?? Path.Combine(AppContext.BaseDirectory, "close-deal-policy.yaml") })
    .WithGovernedTools<DealTools>();
await builder.Build().RunAsync();
