namespace GovernedCrm.Governance.Policy.Evaluation;

/// <summary>
/// Object type matching. Object types compare case-insensitively: a tool may accept "Deal" for "deal", and a
/// deny or fields rule must not be sidestepped by a different spelling.
/// </summary>
internal static class ObjectTypes
{
    /// <summary>Whether a rule's objects (null: any, including none) match the call's object type.</summary>
    public static bool Match(string[]? ruleObjects, string? objectType)
    {
        if (ruleObjects is null)
        {
            return true;
        }

        if (objectType is null)
        {
            return false;
        }

        foreach (var candidate in ruleObjects)
        {
            if (string.Equals(candidate, objectType, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
