namespace GovernedCrm.Audit.Store;

/// <summary>
/// Version 3 of the audit database: the search index. <c>audit_search</c> holds one row per entry and searchable
/// field (the record it is about, actor, event, tool, execution id: chain, field, value, position), and
/// <c>audit_search_state</c> how far each chain is indexed. Rows are added in large sorted batches by
/// <see cref="AuditSearchIndexer"/>, off the append path, from the entries themselves; a search reads the indexed part of a
/// chain through it and the newer tail by walking the chain. Neither table is evidence: every entry a search finds is
/// read from <c>audit_entries</c> and checked against its body.
/// </summary>
internal static class AuditSearchSchema
{
    /// <summary>The schema version that adds the index.</summary>
    public const int Version = 3;

    /// <summary>The index table.</summary>
    public const string IndexTable = "audit_search";

    /// <summary>The field of a record key (value: object type, unit separator, record id).</summary>
    public const string RecordField = "r";

    /// <summary>The field of the actor.</summary>
    public const string ActorField = "a";

    /// <summary>The field of the event.</summary>
    public const string EventField = "e";

    /// <summary>The field of the tool.</summary>
    public const string ToolField = "t";

    /// <summary>The field of the execution id.</summary>
    public const string ExecutionField = "x";

    /// <summary>The statements of version 3.</summary>
    public const string Sql = """
        CREATE TABLE IF NOT EXISTS audit_search (
            chain TEXT NOT NULL,
            field TEXT NOT NULL,
            value TEXT NOT NULL,
            seq INTEGER NOT NULL,
            PRIMARY KEY (chain, field, value, seq)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS audit_search_state (
            chain TEXT PRIMARY KEY,
            indexed INTEGER NOT NULL
        );
        """;

    /// <summary>The record index value of a record key.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The value.</returns>
    public static string RecordValue(AuditRecordKey key) => key.ObjectType + "\u001f" + key.RecordId;
}
