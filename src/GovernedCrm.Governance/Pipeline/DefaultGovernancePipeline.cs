using GovernedCrm.Governance.Approvals;
using GovernedCrm.Governance.Audit;
using GovernedCrm.Governance.Credentials;
using GovernedCrm.Governance.Policy;
using GovernedCrm.Governance.Validation;

namespace GovernedCrm.Governance.Pipeline;

/// <summary>
/// The default order of the governance steps, declared once (docs/architecture.md explains it, and a test holds
/// the documentation against the server's pipeline). Every call runs them in this order, live or approved.
/// </summary>
public static class DefaultGovernancePipeline
{
    /// <summary>The names of the steps, in the order they run.</summary>
    public static IReadOnlyList<string> StepOrder { get; } =
        ["audit", "validation", "credentials", "record-context", "policy", "approval", "write-ahead-audit"];

    /// <summary>A builder holding the default steps the ports allow, in <see cref="StepOrder"/>; add host steps with <see cref="GovernancePipelineBuilder.InsertAfter"/>.</summary>
    /// <param name="ports">What the steps need.</param>
    /// <returns>The builder.</returns>
    public static GovernancePipelineBuilder Create(GovernancePorts ports)
    {
        ArgumentNullException.ThrowIfNull(ports);
        var steps = new GovernancePipelineBuilder()
            .AddStep(new AuditStep(ports.AuditTrail, ports.AuditLogger))
            .AddStep(new ArgumentValidationStep());
        if (ports.Connections is { } connections)
        {
            steps.AddStep(new CredentialsStep(connections));
        }

        if (ports.Records is { } records)
        {
            steps.AddStep(new RecordContextStep(records));
        }

        steps.AddStep(new PolicyStep(ports.Policy, approvalsFollow: ports.Approvals is not null));
        if (ports.Approvals is { } approvals)
        {
            steps.AddStep(new ApprovalStep(ports.Policy, approvals.Inbox, ports.AuditTrail, ports.Time, approvals.Options, ports.Proposals, approvals.Evidence));
        }

        return steps.AddStep(new WriteAheadAuditStep(ports.AuditTrail, ports.Proposals));
    }
}
