namespace GovernedCrm.Governance.Steps.RecordContext;

/// <summary>
/// Reads the targeted record before the policy decides (its tenant for isolation, its values for conditions
/// such as "deal amount over 50,000"), and puts it on the call. A failed read refuses the call: the policy
/// cannot decide on values it could not see.
/// </summary>
/// <param name="reader">Reads the record.</param>
public sealed class RecordContextStep(IRecordContextReader reader) : GovernanceStep(StepName)
{
    /// <summary>The step's name in <see cref="Pipeline.DefaultGovernancePipeline.StepOrder"/>.</summary>
    public const string StepName = "record-context";

    /// <inheritdoc />
    protected override async ValueTask<GovernanceOutcome<TResult>> RunAsync<TResult>(GovernedCall call, GovernanceNext<TResult> next, CancellationToken cancellationToken)
    {
        if (call.RecordId is not null)
        {
            call.Current = await reader.ReadAsync(call, cancellationToken).ConfigureAwait(false);
        }

        return await next(call, cancellationToken).ConfigureAwait(false);
    }
}
