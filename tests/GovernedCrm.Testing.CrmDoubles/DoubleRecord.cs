using System.Text.Json.Nodes;

namespace GovernedCrm.Testing.CrmDoubles;

/// <summary>A record held by a double: its id, its fields (as the CRM's JSON values) and its timestamps.</summary>
public sealed class DoubleRecord(string id, DateTimeOffset createdAt)
{
    public string Id { get; } = id;

    public Dictionary<string, JsonNode?> Fields { get; } = new(StringComparer.Ordinal);

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public DateTimeOffset UpdatedAt { get; set; } = createdAt;
}
