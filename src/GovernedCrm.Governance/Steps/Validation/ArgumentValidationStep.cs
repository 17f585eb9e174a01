namespace GovernedCrm.Governance.Steps.Validation;

/// <summary>
/// Refuses calls whose arguments cannot be read faithfully (<see cref="MalformedJson"/>: repeated names, invalid
/// text, nesting too deep) or do not match the tool's input schema, before any policy, digest or side effect.
/// </summary>
public sealed class ArgumentValidationStep() : GovernanceStep(StepName)
{
    /// <summary>The refusal code for arguments that do not match the schema.</summary>
    public const string InvalidArgumentCode = "validation.invalid_argument";

    /// <summary>The step's name in <see cref="Pipeline.DefaultGovernancePipeline.StepOrder"/>.</summary>
    public const string StepName = "validation";

    /// <inheritdoc />
    protected override async ValueTask<GovernanceOutcome<TResult>> RunAsync<TResult>(
        GovernedCall call, GovernanceNext<TResult> next, CancellationToken cancellationToken)
    {
        if ((call.MalformedArguments ?? MalformedJson.Find(call.Arguments)) is { } malformed)
        {
            return GovernanceOutcome<TResult>.Refused(malformed);
        }

        if (call.InputSchema is { } schema && ArgumentSchemaValidator.Validate(schema, call.Arguments) is { } error)
        {
            return GovernanceOutcome<TResult>.Refused(new GovernanceRefusal(InvalidArgumentCode, error.Message));
        }

        return await next(call, cancellationToken).ConfigureAwait(false);
    }
}
