using System.Collections.Frozen;

namespace GovernedCrm.Governance.Policy.Evaluation;

/// <summary>What the fields rules say for one combination of roles and object type.</summary>
/// <param name="DenyRead">The union of deny_read of the matching fields rules: redacted from results.</param>
/// <param name="DenyWrite">Properties a write may not set, each with the first fields rule (file order) that denies it, in (rule, list) order.</param>
internal sealed record FieldAccess(FrozenSet<string> DenyRead, KeyValuePair<string, string>[] DenyWrite)
{
    /// <summary>No field restrictions.</summary>
    public static FieldAccess None { get; } = new(FrozenSet<string>.Empty, []);
}
