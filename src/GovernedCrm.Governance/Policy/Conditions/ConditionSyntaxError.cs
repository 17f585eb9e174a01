namespace GovernedCrm.Governance.Policy.Conditions;

/// <summary>Why a condition could not be parsed, and where.</summary>
/// <param name="Position">The character (1 is the condition's first) where the problem is.</param>
/// <param name="Message">What is wrong and what would be right.</param>
internal sealed record ConditionSyntaxError(int Position, string Message);
