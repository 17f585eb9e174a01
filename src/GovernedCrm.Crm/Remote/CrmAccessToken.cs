using System.Text.Json;
using System.Text.Json.Serialization;

namespace GovernedCrm.Crm.Remote;

/// <summary>
/// A CRM access token in memory. Its value is read only through <see cref="Reveal"/>, by the HTTP handler that sets
/// the Authorization header; <see cref="ToString"/> never shows it and JSON serialization refuses it, so it cannot
/// slip into a log, a tool result or an audit entry by accident.
/// </summary>
[JsonConverter(typeof(RefusingConverter))]
public sealed class CrmAccessToken : IEquatable<CrmAccessToken>
{
    private readonly string _value;

    /// <summary>Creates a token.</summary>
    /// <param name="value">The bearer token value.</param>
    /// <param name="expiresAt">When it expires, if known.</param>
    /// <param name="instanceUrl">The API base the token is for, when the provider says (Salesforce's <c>instance_url</c>).</param>
    public CrmAccessToken(string value, DateTimeOffset? expiresAt, Uri? instanceUrl)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        _value = value;
        ExpiresAt = expiresAt;
        InstanceUrl = instanceUrl;
    }

    /// <summary>When the token expires, if known.</summary>
    public DateTimeOffset? ExpiresAt { get; }

    /// <summary>The API base URL the token is for, when the provider returns one.</summary>
    public Uri? InstanceUrl { get; }

    /// <summary>The bearer value: call only to build the Authorization header.</summary>
    /// <returns>The token value.</returns>
    public string Reveal() => _value;

    /// <inheritdoc/>
    public bool Equals(CrmAccessToken? other) => other is not null && string.Equals(_value, other._value, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as CrmAccessToken);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(_value);

    /// <summary>Never the value.</summary>
    /// <returns>A placeholder.</returns>
    public override string ToString() => "[CRM access token]";

    private sealed class RefusingConverter : JsonConverter<CrmAccessToken>
    {
        public override CrmAccessToken Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new JsonException("A CRM access token is never read from JSON.");

        public override void Write(Utf8JsonWriter writer, CrmAccessToken value, JsonSerializerOptions options) =>
            throw new JsonException("A CRM access token is never written as JSON.");
    }
}
