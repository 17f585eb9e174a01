using System.Text.Json.Nodes;

namespace GovernedCrm.Audit.Queries;

/// <summary>Where a change's before value comes from.</summary>
public enum BeforeValueSource
{
    /// <summary>Recorded in the chain: the before values read when the change was proposed or run.</summary>
    Recorded,

    /// <summary>Not recorded with this change: taken from the after value of the record's previous executed change of the property.</summary>
    Derived,

    /// <summary>The change created the record: there was no before.</summary>
    Created,

    /// <summary>Neither recorded nor derivable (no earlier change of the property in the chain).</summary>
    Unknown,
}

/// <summary>One property of a record as one history entry changes (or proposes to change) it.</summary>
/// <param name="Property">The property name.</param>
/// <param name="Before">The value before (JSON), or null.</param>
/// <param name="After">The value after, proposed or approved (JSON), or null.</param>
/// <param name="BeforeSource">Where <paramref name="Before"/> comes from.</param>
public sealed record RecordChange(string Property, JsonNode? Before, JsonNode? After, BeforeValueSource BeforeSource);
