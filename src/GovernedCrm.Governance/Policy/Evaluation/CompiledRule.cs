using GovernedCrm.Governance.Policy.Conditions;
using GovernedCrm.Governance.Policy.Definition;

namespace GovernedCrm.Governance.Policy.Evaluation;

/// <summary>A rule ready for evaluation: roles as a mask, objects as an array, condition pre-parsed.</summary>
internal sealed class CompiledRule
{
    /// <summary>Compiles a rule.</summary>
    /// <param name="definition">The validated rule.</param>
    /// <param name="roles">The declared roles.</param>
    /// <param name="policyVersion">Stamped on the rule's decisions.</param>
    public CompiledRule(RuleDefinition definition, RoleCatalog roles, string policyVersion)
    {
        Definition = definition;
        RoleMask = definition.Roles is null ? RoleCatalog.Any : roles.MaskOf(definition.Roles);
        Objects = definition.Objects is null ? null : [.. definition.Objects];
        if (definition.Effect == RuleEffect.Deny)
        {
            Denial = new PolicyDecision.Deny(
                definition.Code ?? PolicyDenialCodes.Rule,
                definition.Message ?? $"The policy does not allow this call (rule '{definition.Id}').")
            {
                PolicyVersion = policyVersion,
                Rule = definition.Id,
            };
        }
    }

    /// <summary>The rule as written.</summary>
    public RuleDefinition Definition { get; }

    /// <summary>The rule's id.</summary>
    public string Id => Definition.Id;

    /// <summary>The roles the rule applies to, as a mask (all bits: any role).</summary>
    public ulong RoleMask { get; }

    /// <summary>The object types the rule applies to; null for any.</summary>
    public string[]? Objects { get; }

    /// <summary>The rule's condition, if any.</summary>
    public Condition? When => Definition.When;

    /// <summary>A deny rule's decision (immutable, shared by every call it denies).</summary>
    public PolicyDecision.Deny? Denial { get; }

    /// <summary>Whether the rule names the tool.</summary>
    public bool MatchesTool(string toolName)
    {
        foreach (var pattern in Definition.Tools)
        {
            if (pattern.Matches(toolName))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the caller holds one of the rule's roles.</summary>
    public bool MatchesRole(ulong callerRoles) => (RoleMask & callerRoles) != 0;

    /// <summary>Whether the rule applies to the call's object type.</summary>
    public bool MatchesObject(string? objectType) => ObjectTypes.Match(Objects, objectType);

    /// <summary>Whether the rule's roles, objects and condition all match (the tool is already known to match).</summary>
    public bool Matches(ulong callerRoles, string? objectType, ref ConditionScope scope) =>
        MatchesRole(callerRoles) && MatchesObject(objectType) && (When is null || When.IsTrue(ref scope));
}
