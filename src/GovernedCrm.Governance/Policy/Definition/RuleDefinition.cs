using GovernedCrm.Governance.Policy.Conditions;

namespace GovernedCrm.Governance.Policy.Definition;

/// <summary>One validated entry of the policy file's <c>rules</c>.</summary>
internal sealed record RuleDefinition
{
    /// <summary>The rule's id, unique in the file.</summary>
    public required string Id { get; init; }

    /// <summary>Where the rule stands in the file (0 is first): the first matching rule is the one reported.</summary>
    public required int Order { get; init; }

    /// <summary>What the rule does.</summary>
    public required RuleEffect Effect { get; init; }

    /// <summary>The roles it applies to; null for any role.</summary>
    public IReadOnlyList<string>? Roles { get; init; }

    /// <summary>The tools it applies to.</summary>
    public required IReadOnlyList<ToolPattern> Tools { get; init; }

    /// <summary>The object types it applies to; null for any object type, and for tools with none.</summary>
    public IReadOnlyList<string>? Objects { get; init; }

    /// <summary>The condition that must hold too, if any.</summary>
    public Condition? When { get; init; }

    /// <summary>The approval a require_approval rule asks for.</summary>
    public ApprovalDefinition? Approval { get; init; }

    /// <summary>A deny rule's denial code, if not the generic one.</summary>
    public string? Code { get; init; }

    /// <summary>A deny rule's message for the caller, if not the generic one.</summary>
    public string? Message { get; init; }
}
