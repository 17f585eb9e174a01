using System.Text;
using GovernedCrm.Persistence.Files;

namespace GovernedCrm.Hosting.Siem;

/// <summary>
/// The <c>--position-file</c> of <c>audit export</c>: read once at start, replaced atomically (temporary file, flush
/// to disk, rename, folder flush; mode 0600) after each delivered batch, so a kill at any moment leaves the previous
/// or the new position, never a torn one. One exporter per file: it holds the file's lock while it runs.
/// </summary>
internal sealed class ExportPositionFile : IDisposable
{
    private const int MaxBytes = 1 << 20;
    private readonly IDisposable _lock;

    private ExportPositionFile(string path, IDisposable gate)
    {
        Path = path;
        _lock = gate;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>Takes the file's lock (waits up to 30 s for another exporter) and opens it.</summary>
    /// <exception cref="IOException">Another exporter holds it, or the folder cannot be written.</exception>
    public static ExportPositionFile Open(string path) => new(System.IO.Path.GetFullPath(path), OwnerOnlyFile.Lock(System.IO.Path.GetFullPath(path)));

    /// <summary>The saved position; an empty one when the file does not exist yet.</summary>
    /// <exception cref="InvalidDataException">The file is not a position file, is larger than 1 MiB or others may access it.</exception>
    public ExportPosition Load()
    {
        if (!File.Exists(Path))
        {
            return new ExportPosition();
        }

        var status = OwnerOnlyFile.TryRead(Path, MaxBytes, out var content, out var mode);
        if (status != OwnerOnlyReadStatus.Read)
        {
            throw new InvalidDataException($"the position file {Path} cannot be used: {(status == OwnerOnlyReadStatus.TooLarge ? "it is larger than 1 MiB" : $"group or others may access it (mode {Convert.ToString((int)mode, 8)}); chmod 600 it")}");
        }

        try
        {
            return ExportPosition.FromJson(Encoding.UTF8.GetString(content));
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"the position file {Path} cannot be read: {ex.Message}", ex);
        }
    }

    /// <summary>Replaces the file with <paramref name="position"/>.</summary>
    public void Save(ExportPosition position) => OwnerOnlyFile.Replace(Path, Encoding.UTF8.GetBytes(position.ToJson()));

    /// <summary>Releases the lock.</summary>
    public void Dispose() => _lock.Dispose();
}
