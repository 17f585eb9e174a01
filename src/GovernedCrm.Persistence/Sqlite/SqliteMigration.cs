namespace GovernedCrm.Persistence.Sqlite;

/// <summary>One step of a schema: the SQL that takes a database from the version before to <paramref name="Version"/>.</summary>
/// <param name="Version">The schema version after this step (<c>PRAGMA user_version</c>), 1 or more.</param>
/// <param name="Sql">The statements; never edit a released step, add one.</param>
public sealed record SqliteMigration(int Version, string Sql);
