using GovernedCrm.Governance.Steps.Audit;

namespace GovernedCrm.Governance.Steps.WriteAheadAudit;

/// <summary>
/// The write-ahead step, last before the tool: durably records the PROPOSED entry (with before and proposed
/// values for writes) and only then lets the tool run. If the entry cannot be written, the tool does not run:
/// writes and, by default, reads fail closed.
/// </summary>
/// <param name="trail">The audit trail.</param>
/// <param name="proposals">Reads before values for writes; optional.</param>
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

        try
        {
            await trail.AppendAsync(record, cancellationToken).ConfigureAwait(false);
        }
        catch (AuditUnavailableException ex)
        {
            return GovernanceOutcome<TResult>.Refused(new GovernanceRefusal(
                AuditStep.UnavailableCode, $"{ex.Message} The call was not carried out: nothing runs without its audit entry."));
        }

        call.WriteAheadRecorded = true;
        return await next(call, cancellationToken).ConfigureAwait(false);
    }
}
