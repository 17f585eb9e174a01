namespace GovernedCrm.Crm.Schema;

/// <summary>One property of a CRM object type.</summary>
/// <param name="Name">The HubSpot-style property name, e.g. "dealstage".</param>
/// <param name="Kind">The value type.</param>
/// <param name="Description">What the property means, for tool descriptions and docs.</param>
/// <param name="MaxLength">The longest text value accepted, in characters.</param>
/// <param name="AllowedValues">For enumerations, the accepted values.</param>
/// <param name="Minimum">For numbers, the smallest value accepted.</param>
/// <param name="Maximum">For numbers, the largest value accepted.</param>
public sealed record CrmPropertyDefinition(
    string Name,
    CrmPropertyKind Kind,
    string Description,
    int MaxLength = 256,
    IReadOnlyList<string>? AllowedValues = null,
    decimal? Minimum = null,
    decimal? Maximum = null);
