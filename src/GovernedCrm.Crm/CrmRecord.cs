namespace GovernedCrm.Crm;

/// <summary>A CRM record with typed property values (string, decimal, long, DateOnly or null).</summary>
/// <param name="ObjectType">The record's type.</param>
/// <param name="Id">The record's id.</param>
/// <param name="Version">Increases by one on every change (optimistic concurrency).</param>
/// <param name="CreatedAt">When the record was created.</param>
/// <param name="UpdatedAt">When the record last changed.</param>
/// <param name="Properties">The property values, by HubSpot-style name.</param>
public sealed record CrmRecord(
    CrmObjectType ObjectType,
    string Id,
    long Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyDictionary<string, object?> Properties);
