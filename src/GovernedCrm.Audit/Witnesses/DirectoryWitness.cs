using System.Security.Cryptography;
using GovernedCrm.Persistence.Files;

namespace GovernedCrm.Audit.Witnesses;

/// <summary>
/// A witness folder (on another volume in production): <c>&lt;folder&gt;/&lt;escaped origin&gt;/&lt;size, 20 digits&gt;.checkpoint</c>,
/// one file per published checkpoint, holding the signed note. A file is written to a temporary name, flushed, then
/// renamed into place under the origin folder's lock, and never overwritten: publishing the same checkpoint again is
/// a no-op, a different note at a size already there is refused (the folder keeps the first).
/// </summary>
/// <param name="folder">The witness folder; it must exist (a missing one is an unmounted volume, not something to create).</param>
internal sealed class DirectoryWitness(string folder) : IWitness
{
    /// <summary>The extension of checkpoint files.</summary>
    public const string Extension = ".checkpoint";

    public string Name => folder;

    public Task<WitnessReceipt> PublishAsync(WitnessSubmission submission, CancellationToken cancellationToken)
    {
        var origin = OriginFolder(AuditChains.Origin(submission.Chain));
        var file = Path.Combine(origin, submission.Size.ToString("D20", CultureInfo.InvariantCulture) + Extension);
        try
        {
            using (OwnerOnlyFile.Lock(Path.Combine(origin, "checkpoints")))
            {
                if (File.Exists(file))
                {
                    if (!string.Equals(File.ReadAllText(file, Encoding.UTF8), submission.Note, StringComparison.Ordinal))
                    {
                        throw new WitnessException($"witness {Name} already holds a different checkpoint of chain '{submission.Chain}' at size {submission.Size}");
                    }

                    return Task.FromResult(new WitnessReceipt(submission.Size, null));
                }

                var temp = Path.Combine(origin, "." + Path.GetFileName(file) + "." + RandomNumberGenerator.GetHexString(16, lowercase: true) + ".tmp");
                try
                {
                    using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                    {
                        stream.Write(Encoding.UTF8.GetBytes(submission.Note));
                        stream.Flush(flushToDisk: true);
                    }

                    File.Move(temp, file, overwrite: false);
                    FolderSync.TryFlush(origin);
                }
                finally
                {
                    File.Delete(temp);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new WitnessException($"witness {Name} cannot be written: {ex.Message}", ex);
        }

        return Task.FromResult(new WitnessReceipt(submission.Size, null));
    }

    public Task<IReadOnlyList<string>> ReadAsync(string origin, CancellationToken cancellationToken)
    {
        RequireFolder();
        var path = Path.Combine(folder, Uri.EscapeDataString(origin));
        if (!Directory.Exists(path))
        {
            return Task.FromResult<IReadOnlyList<string>>([]);
        }

        try
        {
            var files = Directory.EnumerateFiles(path, "*" + Extension)
                .Select(f => (File: f, Size: long.TryParse(Path.GetFileNameWithoutExtension(f), NumberStyles.None, CultureInfo.InvariantCulture, out var size) ? size : -1))
                .Where(f => f.Size >= 0)
                .OrderBy(f => f.Size)
                .Select(f => File.ReadAllText(f.File, Encoding.UTF8))
                .ToList();
            return Task.FromResult<IReadOnlyList<string>>(files);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new WitnessException($"witness {Name} cannot be read: {ex.Message}", ex);
        }
    }

    private string OriginFolder(string origin)
    {
        RequireFolder();
        return Path.Combine(folder, Uri.EscapeDataString(origin));
    }

    private void RequireFolder()
    {
        if (!Directory.Exists(folder))
        {
            throw new WitnessException($"the witness folder {Name} does not exist (is its volume mounted?)");
        }
    }
}
