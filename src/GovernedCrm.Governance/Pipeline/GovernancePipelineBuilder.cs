namespace GovernedCrm.Governance.Pipeline;

/// <summary>
/// Builds a <see cref="GovernancePipeline"/>. Order matters: steps run in the order they are added, so add
/// identity and validation before policy, policy before approval, and the write-ahead audit before anything
/// that has a side effect. The builder is single use: <see cref="Build"/> freezes it.
/// </summary>
public sealed class GovernancePipelineBuilder
{
    private readonly List<IGovernanceStep> _steps = [];
    private bool _built;

    /// <summary>Appends a step.</summary>
    /// <param name="step">The step.</param>
    /// <returns>This builder.</returns>
    public GovernancePipelineBuilder AddStep(IGovernanceStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        if (_built)
        {
            throw new InvalidOperationException("The governance pipeline is already built; steps cannot be added afterwards.");
        }

        if (_steps.Any(s => s.Name == step.Name))
        {
            throw new InvalidOperationException($"The governance pipeline already has a step named '{step.Name}'.");
        }

        _steps.Add(step);
        return this;
    }

    /// <summary>Inserts a step right after the step named <paramref name="after"/>.</summary>
    /// <param name="after">The name of a step already added.</param>
    /// <param name="step">The step.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="GovernedCrm.Governance.Tools.GovernanceConfigurationException">No step has that name.</exception>
    public GovernancePipelineBuilder InsertAfter(string after, IGovernanceStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        var index = _steps.FindIndex(s => s.Name == after);
        if (index < 0)
        {
            throw new GovernedCrm.Governance.Tools.GovernanceConfigurationException(
                $"The governance step '{step.Name}' is to follow '{after}', which is not a step of this pipeline ({string.Join(", ", _steps.Select(s => s.Name))}).");
        }

        AddStep(step);
        _steps.RemoveAt(_steps.Count - 1);
        _steps.Insert(index + 1, step);
        return this;
    }

    /// <summary>Freezes the builder and returns the pipeline.</summary>
    /// <returns>The pipeline.</returns>
    public GovernancePipeline Build()
    {
        if (_built)
        {
            throw new InvalidOperationException("The governance pipeline is already built.");
        }

        _built = true;
        return new GovernancePipeline(_steps.ToArray());
    }
}
