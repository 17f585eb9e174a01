namespace GovernedCrm.Audit.Entries;

/// <summary>Names chains: one chain per tenant, whose origin line is written into every entry and checkpoint.</summary>
public static class AuditChains
{
    /// <summary>The origin of a tenant's chain, e.g. "governed-crm/audit/default".</summary>
    /// <param name="tenant">The tenant.</param>
    /// <returns>The origin line.</returns>
    public static string Origin(string tenant) => "governed-crm/audit/" + tenant;
}
