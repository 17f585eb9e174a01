namespace GovernedCrm.Governance.Policy;

/// <summary>One problem in a policy file: where it is and what is wrong (and what would be right).</summary>
/// <param name="Source">The file's name as given (or "built-in default policy").</param>
/// <param name="Line">The 1-based line, or 0 when the problem is not at a place in the file (it could not be read).</param>
/// <param name="Column">The 1-based column, or 0 with <paramref name="Line"/> 0.</param>
/// <param name="Message">What is wrong and what would be right.</param>
public sealed record PolicyError(string Source, int Line, int Column, string Message)
{
    /// <summary>"source:line:col: message", as compilers print errors ("source: message" without a place).</summary>
    /// <returns>The error as one line.</returns>
    public override string ToString() =>
        Line > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{Source}:{Line}:{Column}: {Message}")
            : $"{Source}: {Message}";
}
