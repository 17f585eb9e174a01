using GovernedCrm.Governance.Approvals;
using GovernedCrm.Governance.Steps.Credentials;
using GovernedCrm.Governance.Steps.RecordContext;

namespace GovernedCrm.Governance.Pipeline;

/// <summary>
/// The ports (host services) the default steps cannot run without, each with what a host that lacks it is told at
/// startup: what is missing and how to provide it. <see cref="GovernancePortLookup.GetRequiredPort{TPort}(IServiceProvider, string)"/> uses it.
/// </summary>
public static class RequiredPorts
{
    private static readonly Dictionary<Type, string> Missing = new()
    {
        [typeof(IAuditTrail)] =
            "No audit trail is registered: governed tools cannot run without one. Register an IAuditTrail (GovernedCrm.Audit's AuditWriter).",
        [typeof(ICrmConnectionCheck)] =
            "No CRM connection check is registered: the credentials step cannot tell whether a caller is connected to their CRM. Register an ICrmConnectionCheck (NoConnectionNeeded.Instance when every tenant uses the embedded CRM).",
        [typeof(IRecordContextReader)] =
            "No record context reader is registered: the policy cannot see the targeted record (its tenant, its current values). Register an IRecordContextReader (GovernedCrm.Hosting's AddCrmGovernance registers the CRM's).",
        [typeof(IGovernancePolicy)] =
            "No governance policy is registered: nothing can decide the calls. Register an IGovernancePolicy (AddGovernancePolicy).",
        [typeof(IApprovalInbox)] =
            "No approval queue is registered: calls that need approval have nowhere to wait. Register an IApprovalInbox (ApprovalService over an IApprovalStore).",
        [typeof(IApprovalEvidence)] =
            "No approval evidence is registered: approved proposals cannot be checked against the audit chain. Register an IApprovalEvidence (the audit chain's ChainApprovalEvidence).",
        [typeof(TimeProvider)] = "No clock is registered. Register a TimeProvider.",
    };

    /// <summary>The ports in this list.</summary>
    public static IReadOnlyCollection<Type> Ports => Missing.Keys;

    /// <summary>What a host without <paramref name="port"/> is told at startup.</summary>
    /// <param name="port">One of <see cref="Ports"/>.</param>
    /// <returns>The message.</returns>
    /// <exception cref="ArgumentException"><paramref name="port"/> is not a required port.</exception>
    public static string MissingMessage(Type port) =>
        Missing.TryGetValue(port, out var message) ? message : throw new ArgumentException($"{port?.Name} is not a required port of the default steps.", nameof(port));
}
