using GovernedCrm.Audit.Records;
using GovernedCrm.Governance.Audit;
using GovernedCrm.Governance.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using GovernedCrm.Governance.Steps.Audit;

namespace GovernedCrm.Mcp.Tests;

/// <summary>
/// The last line of defence: an exception nobody expected inside a governed call is a FAILED entry with a stable
/// code and a generic answer, never the SDK's "An error occurred invoking" and never the exception's text.
/// </summary>
public sealed class GovernanceInternalErrorTests
{
    [Fact]
    public async Task UnexpectedExceptionInAStep_AnsweredWithAStableCode_AndAuditedAsFailed()
    {
        await using var server = await McpTestServer.StartAsync(services: s => s.AddSingleton(sp => new GovernancePipelineBuilder()
            .AddStep(new AuditStep(sp.GetRequiredService<IAuditTrail>(), NullLogger<AuditStep>.Instance))
            .AddStep(new ThrowingStep())
            .Build()));

        var result = await server.CallAsync("CRM.GetRecord", new { objectType = "deal", recordId = "3001" });

        result.IsError.Should().BeTrue();
        result.Text().Should().StartWith(AuditStep.InternalErrorCode + ":").And.NotContain("secret detail").And.NotContain("An error occurred invoking");
        var failed = (await server.AuditEntriesAsync()).Should().ContainSingle(e => e.Record.Event == AuditEventType.Failed).Subject.Record;
        failed.Outcome.Should().Be("failed:" + AuditStep.InternalErrorCode);
        failed.Result.Should().NotContain("secret detail");
    }

    private sealed class ThrowingStep : IGovernanceStep
    {
        public string Name => "throwing";

        public ValueTask<GovernanceOutcome<TResult>> InvokeAsync<TResult>(GovernedCall call, GovernanceNext<TResult> next, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("secret detail of a defect");
    }
}
