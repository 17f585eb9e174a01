using System.Globalization;

namespace GovernedCrm.Persistence.Files;

/// <summary>
/// Reads a key file through <see cref="OwnerOnlyFile.TryRead"/> and turns every way it can fail into the caller's own
/// exception, with the same wording for every key file: a file group or others may access is refused with its mode
/// and what to do, an oversized one is malformed, and an unreadable one says why.
/// </summary>
public static class OwnerOnlyKeyFile
{
    /// <summary>Reads the key file; the caller zeroes the content.</summary>
    /// <param name="path">The key file.</param>
    /// <param name="maxBytes">The largest size accepted.</param>
    /// <param name="what">What the file is, as it reads in messages, e.g. "audit signing key file".</param>
    /// <param name="exposed">What to do with the key if someone else may have read it, e.g. "replace the key".</param>
    /// <param name="error">Makes the caller's exception from a message and its cause.</param>
    /// <param name="tooLarge">Makes the caller's exception for a file larger than <paramref name="maxBytes"/>.</param>
    /// <returns>The file's content.</returns>
    public static byte[] Read(string path, int maxBytes, string what, string exposed, Func<string, Exception?, Exception> error, Func<Exception> tooLarge)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(tooLarge);
        byte[] content;
        OwnerOnlyReadStatus status;
        UnixFileMode mode;
        try
        {
            status = OwnerOnlyFile.TryRead(path, maxBytes, out content, out mode);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw error($"The {what} '{path}' cannot be read: {ex.Message}", ex);
        }

        return status switch
        {
            OwnerOnlyReadStatus.AccessibleToOthers => throw error(string.Create(
                CultureInfo.InvariantCulture,
                $"The {what} '{path}' is accessible to group or others (mode {Convert.ToString((int)mode, 8)}): restrict it to its owner (chmod 600), and {exposed} if someone else may have read it."), null),
            OwnerOnlyReadStatus.TooLarge => throw tooLarge(),
            _ => content,
        };
    }
}
