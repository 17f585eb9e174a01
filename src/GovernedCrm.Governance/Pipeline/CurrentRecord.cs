namespace GovernedCrm.Governance.Pipeline;

/// <summary>
/// The record a call targets, as it is now, read before the policy decides (so rules can look at current values
/// and tenant isolation can be enforced). Null on a call when the tool names no record or the record does not exist.
/// </summary>
/// <param name="Tenant">The tenant that owns the record.</param>
/// <param name="Values">The record's property values (JSON: strings, numbers, null).</param>
public sealed record CurrentRecord(string Tenant, IReadOnlyDictionary<string, JsonElement> Values)
{
    /// <summary>The record's version when read (null for another tenant's record, whose values are not read).</summary>
    public long? Version { get; init; }
}
