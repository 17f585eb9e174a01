namespace GovernedCrm.AdminConsole.Trail;

/// <summary>What an audit read answers: the JSON body, or a refusal with a stable code and a message for the reader.</summary>
/// <param name="Body">The answer, when there is one.</param>
/// <param name="Code">The refusal's code (e.g. <c>audit.invalid_query</c>, <c>audit.not_found</c>), when refused.</param>
/// <param name="Message">The refusal's message, when refused.</param>
public sealed record AuditReadAnswer(JsonObject? Body, string? Code = null, string? Message = null)
{
    /// <summary>The code of a read refused because an entry does not decode (verify says why).</summary>
    public const string UndecodableCode = "audit.undecodable";

    /// <summary>The code of a read refused because the audit database cannot be read.</summary>
    public const string UnavailableCode = "audit.unavailable";

    /// <summary>True when there is an answer.</summary>
    public bool Succeeded => Body is not null;

    /// <summary>A refusal.</summary>
    /// <param name="code">Its code.</param>
    /// <param name="message">Its message.</param>
    /// <returns>The answer.</returns>
    public static AuditReadAnswer Refused(string code, string message) => new(null, code, message);
}
