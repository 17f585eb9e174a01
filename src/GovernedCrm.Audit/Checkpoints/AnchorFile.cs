using System.Diagnostics;

namespace GovernedCrm.Audit.Checkpoints;

/// <summary>
/// The append-only file of signed checkpoints kept outside the audit database (the "anchor"): each record is
/// one signed note followed by a blank line, in UTF-8. Deleting the database's tail cannot delete what was
/// anchored here, if the database's writers cannot rewrite this file.
/// </summary>
/// <remarks>
/// <para>
/// Record layout: the note text (non-empty lines), a blank line, the signature lines (each starting with
/// "— "), a blank line. The reader pairs each text block with the signature block that follows it, so a record
/// torn by a crash neither swallows nor hides the records after it: a text block without signatures, signatures
/// without a text block and an unfinished record at the end of the file are left out of the notes and reported
/// by <see cref="Read"/> with their line numbers. Anything else is returned as read; a note whose signature does
/// not verify is left out by the verifier, which reports it too.
/// </para>
/// <para>
/// Appends from several processes are serialized by an exclusive lock on the file (retried for up to ten
/// seconds); each append is flushed to disk before it returns.
/// </para>
/// </remarks>
/// <param name="path">The anchor file.</param>
public sealed class AnchorFile(string path)
{
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(10);
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private readonly Lock _gate = new();

    /// <summary>The anchor file's full path.</summary>
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    /// <summary>
    /// Appends a signed note followed by a blank line and flushes the file to disk. Creates the file (mode
    /// 0600 on Unix) and its folder if missing. If the file ends in a torn record, a separator is written first.
    /// </summary>
    /// <param name="signedNote">
    /// A well-formed signed note whose text has no blank lines (a checkpoint note: extension lines are non-empty).
    /// </param>
    /// <exception cref="ArgumentException">The note is not a well-formed signed note the anchor can hold.</exception>
    /// <exception cref="IOException">The file cannot be written, or stayed locked by another writer.</exception>
    public void Append(string signedNote)
    {
        ArgumentNullException.ThrowIfNull(signedNote);
        if (!SignedNoteFormat.TryParse(signedNote, out var text, out _)
            || text.StartsWith('\n')
            || text.Contains("\n\n", StringComparison.Ordinal)
            || text.StartsWith(SignedNoteFormat.SignaturePrefix, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                "The anchor file holds well-formed signed notes whose text has no blank lines and does not start with a signature line.",
                nameof(signedNote));
        }

        var record = Utf8.GetBytes(signedNote + "\n");
        lock (_gate)
        {
            using var stream = OpenWithRetry(static path =>
            {
                var directory = System.IO.Path.GetDirectoryName(path);
                if (directory is not null && !Directory.Exists(directory))
                {
                    Directory.CreateDirectory(directory);
                }

                var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }

                return new FileStream(path, options);
            });

            var separator = SeparatorNeeded(stream);
            stream.Seek(0, SeekOrigin.End);
            if (separator.Length > 0)
            {
                stream.Write(separator);
            }

            stream.Write(record);
            stream.Flush(flushToDisk: true);
        }
    }

    /// <summary>
    /// Reads every complete note in file order. An unfinished last record is ignored; a missing file reads as
    /// no notes. The notes are not verified: use <see cref="NoteVerifier"/>.
    /// </summary>
    /// <returns>The notes, each exactly as it was appended.</returns>
    public IReadOnlyList<string> ReadNotes() => [.. Read().Notes.Select(n => n.Note)];

    /// <summary>
    /// Reads every complete note in file order with the line it starts on, and every record that is not a complete
    /// note (an unfinished last record, note text without signatures, signatures without note text). A missing
    /// file reads as empty. The notes are not verified: use <see cref="NoteVerifier"/>.
    /// </summary>
    /// <returns>The file's notes and damaged records.</returns>
    public AnchorContents Read()
    {
        if (!File.Exists(Path))
        {
            return AnchorContents.Empty;
        }

        FileStream stream;
        try
        {
            stream = OpenWithRetry(static path => new FileStream(
                path, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.ReadWrite, BufferSize = 0 }));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return AnchorContents.Empty;
        }

        using (stream)
        using (var reader = new StreamReader(stream, Utf8, detectEncodingFromByteOrderMarks: false, bufferSize: 64 * 1024))
        {
            return Parse(reader);
        }
    }

    private static AnchorContents Parse(StreamReader reader)
    {
        var notes = new List<AnchoredNote>();
        var damaged = new List<AnchorDamage>();
        var paragraph = new List<string>();
        var paragraphLine = 0;
        List<string>? text = null;
        var textLine = 0;
        var lineNumber = 1;
        var line = new StringBuilder();
        var buffer = new char[16 * 1024];
        int read;
        while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            var chunk = buffer.AsSpan(0, read);
            while (!chunk.IsEmpty)
            {
                var newline = chunk.IndexOf('\n');
                if (newline < 0)
                {
                    line.Append(chunk);
                    break;
                }

                line.Append(chunk[..newline]);
                chunk = chunk[(newline + 1)..];
                var current = lineNumber++;
                if (line.Length > 0)
                {
                    if (paragraph.Count == 0)
                    {
                        paragraphLine = current;
                    }

                    paragraph.Add(line.ToString());
                    line.Clear();
                    continue;
                }

                // A blank line closes a paragraph: a text block, or the signature block of the text block before it.
                if (paragraph.Count == 0)
                {
                    continue;
                }

                if (paragraph[0].StartsWith(SignedNoteFormat.SignaturePrefix, StringComparison.Ordinal))
                {
                    if (text is not null)
                    {
                        notes.Add(new AnchoredNote(string.Join('\n', text) + "\n\n" + string.Join('\n', paragraph) + "\n", textLine));
                    }
                    else
                    {
                        damaged.Add(new AnchorDamage(paragraphLine, "signature lines without the note text before them"));
                    }

                    text = null;
                }
                else
                {
                    if (text is not null)
                    {
                        damaged.Add(new AnchorDamage(textLine, "note text without its signature lines"));
                    }

                    text = [.. paragraph];
                    textLine = paragraphLine;
                }

                paragraph.Clear();
            }
        }

        // Whatever follows the last blank line (an unfinished line or block) is an unfinished record.
        if (text is not null || paragraph.Count > 0 || line.Length > 0)
        {
            damaged.Add(new AnchorDamage(text is not null ? textLine : paragraph.Count > 0 ? paragraphLine : lineNumber, "an unfinished record at the end of the file"));
        }

        return new AnchorContents(notes, damaged);
    }

    /// <summary>What to write before a new record so that a torn last record cannot merge with it.</summary>
    private static ReadOnlySpan<byte> SeparatorNeeded(FileStream stream)
    {
        var length = stream.Length;
        if (length == 0)
        {
            return [];
        }

        Span<byte> tail = stackalloc byte[2];
        var count = (int)Math.Min(2, length);
        stream.Seek(-count, SeekOrigin.End);
        stream.ReadExactly(tail[..count]);
        if (count == 2 && tail[0] == '\n' && tail[1] == '\n')
        {
            return [];
        }

        return tail[count - 1] == '\n' ? "\n"u8 : "\n\n"u8;
    }

    private FileStream OpenWithRetry(Func<string, FileStream> open)
    {
        var watch = Stopwatch.StartNew();
        var delay = 1;
        while (true)
        {
            try
            {
                return open(Path);
            }
            catch (IOException ex) when (ex is not FileNotFoundException and not DirectoryNotFoundException && watch.Elapsed < LockTimeout)
            {
                // Another process holds the file lock (FileShare): wait briefly and retry.
                Thread.Sleep(delay);
                delay = Math.Min(delay * 2, 50);
            }
        }
    }
}
