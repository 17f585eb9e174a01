namespace GovernedCrm.Governance.Steps.Validation;

/// <summary>One problem with a call's arguments.</summary>
/// <param name="Path">Where: the argument name, with a dotted path into objects.</param>
/// <param name="Message">What is wrong, in a sentence the model and the user can act on.</param>
public sealed record ArgumentValidationError(string Path, string Message);
