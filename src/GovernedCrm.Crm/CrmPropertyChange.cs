namespace GovernedCrm.Crm;

/// <summary>One changed property: its value before and after a write.</summary>
/// <param name="Name">The property name.</param>
/// <param name="Before">The value before (null when unset or on create).</param>
/// <param name="After">The value after.</param>
public sealed record CrmPropertyChange(string Name, object? Before, object? After);
