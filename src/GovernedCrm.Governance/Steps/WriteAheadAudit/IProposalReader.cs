namespace GovernedCrm.Governance.Steps.WriteAheadAudit;

/// <summary>Reads what a write is about to change, so the write-ahead entry holds before and proposed values.</summary>
public interface IProposalReader
{
    /// <summary>Describes the proposal, or returns null when the call proposes no change to an existing record.</summary>
    /// <param name="call">The call.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The properties involved, with current and proposed values.</returns>
    ValueTask<Proposal?> ReadAsync(GovernedCall call, CancellationToken cancellationToken);
}

/// <summary>The before and proposed values of a write.</summary>
/// <param name="Properties">The properties the call names.</param>
/// <param name="Before">Their current values (null for a create).</param>
/// <param name="Proposed">The proposed values.</param>
public sealed record Proposal(IReadOnlyList<string> Properties, JsonObject? Before, JsonObject Proposed);
