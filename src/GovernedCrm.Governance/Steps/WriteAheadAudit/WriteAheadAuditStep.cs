using GovernedCrm.Governance.Steps.Audit;

namespace GovernedCrm.Governance.Steps.WriteAheadAudit;

/// <summary>
/// The write-ahead step, last before the tool: records the PROPOSED entry (with before and proposed values for
/// writes). A write runs only once that entry, and every earlier entry of the call, is durable: if they cannot be
/// written, the tool does not run. A read (a tool declared <see cref="Tools.GovernedAction.Read"/>, which changes
/// nothing) runs while the entry is being flushed: the audit step then waits for every entry of the call before
/// the answer leaves, so a read whose entries cannot be written still fails closed (the caller gets
/// <c>audit.unavailable</c>, never the data).
/// </summary>
public sealed class WriteAheadAuditStep(IAuditTrail trail, IProposalReader? proposals = null) : IGovernanceStep
{
    /// <summary>The step's name in <see cref="Pipeline.DefaultGovernancePipeline.StepOrder"/>.</summary>
    public const string StepName = "write-ahead-audit";

    /// <inheritdoc />
    public string Name => StepName;

    /// <inheritdoc />
    public async ValueTask<GovernanceOutcome<TResult>> InvokeAsync<TResult>(GovernedCall call, GovernanceNext<TResult> next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(next);
        var record = AuditRecords.For(call, AuditEventType.Proposed, AuditRecords.ActionOf(call.Tool), "allowed");
        if (call.Tool.IsWrite && proposals is not null && await proposals.ReadAsync(call, cancellationToken).ConfigureAwait(false) is { } proposal)
        {
            // A properties argument marked [Sensitive] keeps its names but none of its values.
            var sensitive = call.Tool.SensitiveArguments.Contains(call.Tool.PropertiesArgument)
                ? proposal.Properties.ToHashSet(StringComparer.Ordinal)
                : call.Tool.SensitiveArguments;
            record = record with
            {
                Properties = string.Join(",", proposal.Properties),
                PreviousValues = AuditRecords.Json(proposal.Before, sensitive),
                ProposedValues = AuditRecords.Json(proposal.Proposed, sensitive),
            };
        }

        AuditUnavailableException? failure = null;
        try
        {
            await call.AuditEntries.EnqueueAsync(trail, record, cancellationToken).ConfigureAwait(false);
            if (call.Tool.IsWrite)
            {
                // Write-ahead: nothing reaches the CRM before its PROPOSED entry (and the call's earlier ones) is durable.
                await call.AuditEntries.WaitDurableAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (AuditUnavailableException ex)
        {
            failure = ex;
        }

        // A read runs before its entries are durable, but not once one of them is known to have failed.
        if ((failure ?? call.AuditEntries.KnownFailure()) is { } unavailable)
        {
            return GovernanceOutcome<TResult>.Refused(new GovernanceRefusal(
                AuditStep.UnavailableCode, $"{unavailable.Message} The call was not carried out: nothing runs without its audit entry."));
        }

        call.WriteAheadRecorded = true;
        return await next(call, cancellationToken).ConfigureAwait(false);
    }
}
