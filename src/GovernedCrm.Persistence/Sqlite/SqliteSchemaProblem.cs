namespace GovernedCrm.Persistence.Sqlite;

/// <summary>Why a SQLite file cannot be used with a schema; the database that owns the schema words the error.</summary>
/// <param name="Kind">What is wrong.</param>
/// <param name="Version">The file's schema version, where it was read (0 otherwise).</param>
/// <param name="LatestVersion">The newest version the schema knows.</param>
/// <param name="Detail">The journal mode SQLite answered (<see cref="SqliteSchemaProblemKind.NotWal"/>) or the integrity check's result (<see cref="SqliteSchemaProblemKind.IntegrityCheckFailed"/>).</param>
public sealed record SqliteSchemaProblem(SqliteSchemaProblemKind Kind, int Version, int LatestVersion, string? Detail);

/// <summary>The kinds of <see cref="SqliteSchemaProblem"/>.</summary>
public enum SqliteSchemaProblemKind
{
    /// <summary>The file cannot use WAL mode and the schema requires it.</summary>
    NotWal,

    /// <summary>The file has a schema version newer than the schema knows.</summary>
    NewerVersion,

    /// <summary><c>PRAGMA quick_check</c> did not answer <c>ok</c>.</summary>
    IntegrityCheckFailed,

    /// <summary>The file holds another application's database (its <c>application_id</c> differs and it is not new).</summary>
    ForeignFile,
}
