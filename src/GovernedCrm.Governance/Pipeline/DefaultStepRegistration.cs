namespace GovernedCrm.Governance.Pipeline;

/// <summary>
/// A step of the default pipeline as its folder's <c>Add…Step</c> registers it: its name (one of
/// <see cref="DefaultGovernancePipeline.StepOrder"/>, which places it) and how it is made from the host's services.
/// Making it asks for the ports the step needs; a missing required port stops the host at startup, naming it.
/// </summary>
/// <param name="Name">The step's name.</param>
/// <param name="Create">Makes the step from the host's services.</param>
public sealed record DefaultStepRegistration(string Name, Func<IServiceProvider, IGovernanceStep> Create);
