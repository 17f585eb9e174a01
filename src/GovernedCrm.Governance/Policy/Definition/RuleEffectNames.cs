namespace GovernedCrm.Governance.Policy.Definition;

/// <summary>The policy file's names for <see cref="RuleEffect"/>.</summary>
internal static class RuleEffectNames
{
    /// <summary>The valid names, in the order error messages list them.</summary>
    public static IReadOnlyList<string> All { get; } = ["allow", "deny", "require_approval"];

    /// <summary>The file's name of an effect.</summary>
    public static string ToName(this RuleEffect effect) => effect switch
    {
        RuleEffect.Allow => "allow",
        RuleEffect.Deny => "deny",
        _ => "require_approval",
    };

    /// <summary>Reads an effect name.</summary>
    public static bool TryParse(string name, out RuleEffect effect)
    {
        switch (name)
        {
            case "allow":
                effect = RuleEffect.Allow;
                return true;
            case "deny":
                effect = RuleEffect.Deny;
                return true;
            case "require_approval":
                effect = RuleEffect.RequireApproval;
                return true;
            default:
                effect = default;
                return false;
        }
    }
}
