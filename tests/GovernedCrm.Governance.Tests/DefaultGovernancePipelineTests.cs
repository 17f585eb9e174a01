using GovernedCrm.Audit.Records;
using GovernedCrm.Governance.Approvals;
using GovernedCrm.Governance.Audit;
using GovernedCrm.Governance.Credentials;
using GovernedCrm.Governance.Identity;
using GovernedCrm.Governance.Pipeline;
using GovernedCrm.Governance.Policy;
using Microsoft.Extensions.Logging.Abstractions;

namespace GovernedCrm.Governance.Tests;

/// <summary>The default pipeline holds its steps in the one declared order, and only the steps its ports allow.</summary>
public sealed class DefaultGovernancePipelineTests
{
    [Fact]
    public void WithEveryPort_TheStepsRunInTheDeclaredOrder()
    {
        var pipeline = DefaultGovernancePipeline.Create(Ports() with
        {
            Connections = NoConnectionNeeded.Instance,
            Records = new NoRecords(),
            Approvals = new ApprovalPorts(new NoInbox(), new ApprovalOptions(), new NoEvidence()),
        }).Build();

        pipeline.Steps.Select(s => s.Name).Should().Equal(DefaultGovernancePipeline.StepOrder);
    }

    [Fact]
    public void WithoutOptionalPorts_TheirStepsAreLeftOut_AndTheRestKeepsItsOrder()
    {
        var pipeline = DefaultGovernancePipeline.Create(Ports()).Build();

        pipeline.Steps.Select(s => s.Name).Should().Equal("audit", "validation", "policy", "write-ahead-audit");
    }

    [Fact]
    public void AHostStep_GoesRightAfterTheNamedStep()
    {
        var pipeline = DefaultGovernancePipeline.Create(Ports()).InsertAfter("policy", new Named("host-check")).Build();

        pipeline.Steps.Select(s => s.Name).Should().Equal("audit", "validation", "policy", "host-check", "write-ahead-audit");
    }

    private static GovernancePorts Ports() => new()
    {
        AuditTrail = new NoTrail(),
        Policy = new AllowAllPolicy(),
        Time = TimeProvider.System,
        AuditLogger = NullLogger<AuditStep>.Instance,
    };

    private sealed class Named(string name) : IGovernanceStep
    {
        public string Name => name;

        public ValueTask<GovernanceOutcome<TResult>> InvokeAsync<TResult>(GovernedCall call, GovernanceNext<TResult> next, CancellationToken cancellationToken) => next(call, cancellationToken);
    }

    private sealed class NoTrail : IAuditTrail
    {
        public ValueTask<AuditReceipt> AppendAsync(AuditRecord record, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private sealed class NoRecords : IRecordContextReader
    {
        public ValueTask<CurrentRecord?> ReadAsync(GovernedCall call, CancellationToken cancellationToken) => ValueTask.FromResult<CurrentRecord?>(null);
    }

    private sealed class NoEvidence : IApprovalEvidence
    {
        public ValueTask<ApprovalDecisionEntry?> FindDecisionAsync(ApprovalRequest request, CancellationToken cancellationToken) => ValueTask.FromResult<ApprovalDecisionEntry?>(null);
    }

    private sealed class NoInbox : IApprovalInbox
    {
        public Task<ApprovalRequest> SubmitAsync(ApprovalRequest pending, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<ApprovalRequest?> FindAsync(string id, CallerIdentity viewer, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
