namespace GovernedCrm.Governance.Policy;

/// <summary>
/// The policy's field read rules as a property of the caller: which properties of an object type a caller may not
/// read, whatever tool or view carries the values (tool results, proposals, the approvals CLI, confirmation forms,
/// search matching). Use <see cref="FieldRedaction.UnreadableFields"/> rather than calling it directly.
/// </summary>
public interface IFieldReadPolicy
{
    /// <summary>The properties of <paramref name="objectType"/> that <paramref name="caller"/> may not read.</summary>
    /// <param name="caller">The caller (resolved through the policy's directory first).</param>
    /// <param name="objectType">The object type the values belong to; null when unknown.</param>
    /// <returns>The property names; for a caller the policy does not know, every property any fields rule hides.</returns>
    IReadOnlySet<string> UnreadableFields(CallerIdentity caller, string? objectType);
}
