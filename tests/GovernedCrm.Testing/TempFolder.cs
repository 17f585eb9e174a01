using Microsoft.Data.Sqlite;

namespace GovernedCrm.Testing;

/// <summary>A temporary folder for real files (databases, locks, key files), removed on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    /// <summary>Creates a new empty folder in the OS temp folder, its name starting with <paramref name="prefix"/>.</summary>
    public TempFolder(string prefix = "governedcrm-") => Path = Directory.CreateTempSubdirectory(prefix).FullName;

    /// <summary>The folder's full path.</summary>
    public string Path { get; }

    /// <summary>A path inside the folder.</summary>
    public string File(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Releases pooled SQLite connections (they keep a database and its WAL files open), then deletes the folder.</summary>
    public void Dispose() => Delete(Path);

    /// <summary>Deletes <paramref name="path"/> and everything in it, best effort, after releasing pooled SQLite connections.</summary>
    public static void Delete(string path)
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the OS temp folder is cleaned eventually.
        }
        catch (UnauthorizedAccessException)
        {
            // Best effort, as above.
        }
    }
}
