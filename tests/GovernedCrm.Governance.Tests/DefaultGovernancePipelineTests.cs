using GovernedCrm.Audit.Records;
using GovernedCrm.Governance.Approvals;
using GovernedCrm.Governance.Audit;
using GovernedCrm.Governance.Identity;
using GovernedCrm.Governance.Pipeline;
using GovernedCrm.Governance.Policy;
using GovernedCrm.Governance.Steps.Approval;
using GovernedCrm.Governance.Steps.Credentials;
using GovernedCrm.Governance.Steps.RecordContext;
using GovernedCrm.Governance.Tools;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GovernedCrm.Governance.Tests;

/// <summary>
/// The default pipeline, as a host registers it (each step by its folder's Add…Step): the steps in the one declared
/// order, and a required port that is missing stops the build of the pipeline (the host's startup), naming it.
/// </summary>
public sealed class DefaultGovernancePipelineTests
{
    [Fact]
    public void WithApprovals_TheStepsRunInTheDeclaredOrder()
    {
        var services = Ports().AddGovernancePipeline().AddApprovalStep();

        Build(services).Steps.Select(s => s.Name).Should().Equal(DefaultGovernancePipeline.StepOrder);
    }

    [Fact]
    public void WithoutApprovals_TheApprovalStepIsLeftOut_AndTheRestKeepsItsOrder()
    {
        var pipeline = Build(Ports().AddGovernancePipeline());

        pipeline.Steps.Select(s => s.Name).Should().Equal("audit", "validation", "credentials", "record-context", "policy", "write-ahead-audit");
    }

    [Fact]
    public void TheOrder_DoesNotDependOnTheOrderOfRegistration()
    {
        var services = Ports().AddApprovalStep().AddGovernancePipeline();

        Build(services).Steps.Select(s => s.Name).Should().Equal(DefaultGovernancePipeline.StepOrder);
    }

    [Fact]
    public void AHostStep_GoesRightAfterTheNamedStep()
    {
        var services = Ports().AddGovernanceStep("policy", _ => new Named("host-check"));

        Build(services).Steps.Select(s => s.Name).Should().Equal(
            "audit", "validation", "credentials", "record-context", "policy", "host-check", "write-ahead-audit");
    }

    [Theory]
    [InlineData(typeof(IAuditTrail), "No audit trail is registered", "audit")]
    [InlineData(typeof(ICrmConnectionCheck), "No CRM connection check is registered", "credentials")]
    [InlineData(typeof(IRecordContextReader), "No record context reader is registered", "record-context")]
    [InlineData(typeof(IGovernancePolicy), "No governance policy is registered", "policy")]
    [InlineData(typeof(IApprovalInbox), "No approval queue is registered", "approval")]
    [InlineData(typeof(IApprovalEvidence), "No approval evidence is registered", "approval")]
    public void AMissingRequiredPort_StopsTheBuild_NamingThePortAndTheStep(Type port, string message, string step)
    {
        var services = Ports().AddGovernancePipeline().AddApprovalStep();
        services.RemoveAll(port);

        var build = () => Build(services);

        build.Should().Throw<GovernanceConfigurationException>()
            .Which.Message.Should().Contain(message).And.Contain($"'{step}'").And.Contain(port.Name);
    }

    [Fact]
    public void AnOptionalPort_MayBeMissing()
    {
        var services = Ports().AddGovernancePipeline();
        services.RemoveAll<Steps.WriteAheadAudit.IProposalReader>();

        Build(services).Steps.Should().HaveCount(6);
    }

    private static GovernancePipeline Build(IServiceCollection services) =>
        services.BuildServiceProvider().GetRequiredService<GovernancePipeline>();

    private static ServiceCollection Ports()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IAuditTrail>(new NoTrail());
        services.AddSingleton<IGovernancePolicy>(new AllowAllPolicy());
        services.AddSingleton<ICrmConnectionCheck>(NoConnectionNeeded.Instance);
        services.AddSingleton<IRecordContextReader>(new NoRecords());
        services.AddSingleton<IApprovalInbox>(new NoInbox());
        services.AddSingleton<IApprovalEvidence>(new NoEvidence());
        return services;
    }

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
