namespace GovernedCrm.Audit.Queries;

/// <summary>
/// What an audit search asks for: the entries of one chain (tenant) that match every filter that is set, one page
/// of at most <see cref="Limit"/> entries, newest first unless <see cref="OldestFirst"/>.
/// </summary>
public sealed record AuditQuery
{
    /// <summary>The most entries one page may hold.</summary>
    public const int MaxLimit = 500;

    /// <summary>The chain (the tenant) to search; a query never reads another.</summary>
    public required string Chain { get; init; }

    /// <summary>Only entries about a record of this object type (with <see cref="RecordId"/>).</summary>
    public string? ObjectType { get; init; }

    /// <summary>Only entries about this record (with <see cref="ObjectType"/>).</summary>
    public string? RecordId { get; init; }

    /// <summary>Only entries whose actor (the user the call ran for) is this.</summary>
    public string? Actor { get; init; }

    /// <summary>Only entries of this event.</summary>
    public AuditEventType? Event { get; init; }

    /// <summary>Only entries of calls to this tool.</summary>
    public string? Tool { get; init; }

    /// <summary>Only entries of this execution (one call, and for a proposal its approval and run).</summary>
    public string? ExecutionId { get; init; }

    /// <summary>Only entries sequenced at or after this time.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Only entries sequenced before this time.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>The page size, 1 to <see cref="MaxLimit"/>.</summary>
    public int Limit { get; init; } = 50;

    /// <summary>Continue after this cursor (from the previous page); null for the first page.</summary>
    public AuditCursor? After { get; init; }

    /// <summary>Walk from the oldest entry to the newest instead of newest first.</summary>
    public bool OldestFirst { get; init; }

    /// <summary>Only entries this predicate accepts (applied to decoded entries, after every other filter); null for all.</summary>
    public Func<Entries.AuditEntry, bool>? Where { get; init; }
}
