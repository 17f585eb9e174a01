namespace GovernedCrm.Governance.Policy.Definition;

/// <summary>One validated entry of the policy file's <c>fields</c>: properties some roles may not read or write.</summary>
internal sealed record FieldRuleDefinition
{
    /// <summary>The rule's id, unique in the file (rules and fields share one namespace).</summary>
    public required string Id { get; init; }

    /// <summary>The roles it applies to; null for any role.</summary>
    public IReadOnlyList<string>? Roles { get; init; }

    /// <summary>The object types it applies to; null for any.</summary>
    public IReadOnlyList<string>? Objects { get; init; }

    /// <summary>Properties whose values are redacted from results.</summary>
    public required IReadOnlyList<string> DenyRead { get; init; }

    /// <summary>Properties a write may not set.</summary>
    public required IReadOnlyList<string> DenyWrite { get; init; }
}
