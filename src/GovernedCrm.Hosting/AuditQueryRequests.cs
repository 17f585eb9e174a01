namespace GovernedCrm.Hosting;

/// <summary>An audit search as a caller asks for it (CLI, MCP, console): every filter optional, values as the caller typed them.</summary>
/// <param name="Tenant">The chain to search; null for the caller's own (another needs <c>audit.cross_tenant_roles</c>).</param>
/// <param name="ObjectType">Only entries about a record of this type (with <paramref name="RecordId"/>).</param>
/// <param name="RecordId">Only entries about this record (with <paramref name="ObjectType"/>).</param>
/// <param name="Actor">Only entries whose actor is this user.</param>
/// <param name="Event">Only entries of this event (e.g. <c>executed</c>, <c>approval_requested</c>; any case).</param>
/// <param name="Tool">Only entries of calls to this tool.</param>
/// <param name="ExecutionId">Only entries of this execution.</param>
/// <param name="Since">Only entries at or after this time.</param>
/// <param name="Until">Only entries before this time.</param>
/// <param name="Limit">Page size (1 to 500).</param>
/// <param name="Cursor">The <c>nextCursor</c> of the previous page, or null.</param>
internal sealed record AuditSearchRequest(
    string? Tenant = null, string? ObjectType = null, string? RecordId = null, string? Actor = null, string? Event = null, string? Tool = null,
    string? ExecutionId = null, DateTimeOffset? Since = null, DateTimeOffset? Until = null, int Limit = AuditSearchRequest.DefaultLimit, string? Cursor = null)
{
    /// <summary>The page size when none is given.</summary>
    public const int DefaultLimit = 50;
}

/// <summary>A record's history as a caller asks for it.</summary>
/// <param name="ObjectType">The record's object type.</param>
/// <param name="RecordId">The record id.</param>
/// <param name="Tenant">The chain; null for the caller's own.</param>
/// <param name="Limit">Page size (1 to 500).</param>
/// <param name="Cursor">The <c>nextCursor</c> of the previous page, or null.</param>
/// <param name="NewestFirst">Newest entry first instead of oldest first.</param>
internal sealed record RecordHistoryRequest(
    string ObjectType, string RecordId, string? Tenant = null, int Limit = RecordHistoryRequest.DefaultLimit, string? Cursor = null, bool NewestFirst = false)
{
    /// <summary>The page size when none is given.</summary>
    public const int DefaultLimit = 100;
}

/// <summary>What the audit query service answers: the JSON body, or a refusal with a stable code.</summary>
/// <param name="Body">The answer, when there is one.</param>
/// <param name="Code">The refusal's code (<c>audit.out_of_scope</c>, <c>audit.invalid_query</c>), when refused.</param>
/// <param name="Message">The refusal's message, when refused.</param>
internal sealed record AuditAnswer(System.Text.Json.Nodes.JsonObject? Body, string? Code = null, string? Message = null)
{
    /// <summary>True when there is an answer.</summary>
    public bool Succeeded => Body is not null;

    /// <summary>A refusal.</summary>
    public static AuditAnswer Refused(string code, string message) => new(null, code, message);
}
