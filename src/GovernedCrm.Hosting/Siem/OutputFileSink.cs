using System.Text;

namespace GovernedCrm.Hosting.Siem;

/// <summary>
/// <c>audit export --output FILE</c>: appends one line per entry to a file (created with mode 0600), exactly once
/// across kills. Before a batch is written, the position file records each line's end offset; the batch is written
/// and flushed to disk; then the position is saved with the new length. After a kill, <see cref="Recover"/> counts
/// the lines whose end offset is within the file as delivered and cuts a partly written last line, so no entry is
/// missing or repeated in the file.
/// </summary>
internal sealed class OutputFileSink : IAuditExportSink
{
    private readonly FileStream _stream;

    private OutputFileSink(FileStream stream) => _stream = stream;

    /// <summary>Opens (or creates) the file for appending.</summary>
    /// <exception cref="IOException">The file cannot be opened.</exception>
    public static OutputFileSink Open(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.Write, Share = FileShare.Read };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        var stream = new FileStream(path, options);
        stream.Seek(0, SeekOrigin.End);
        return new OutputFileSink(stream);
    }

    /// <inheritdoc/>
    public void Recover(ExportPosition position)
    {
        var length = _stream.Length;
        var end = length;
        if (position.OutputLength is { } saved && length >= saved && position.Pending.Count > 0 && length <= position.Pending[^1].End)
        {
            // The last run was killed while writing a batch: the lines that are whole in the file were delivered.
            end = saved;
            foreach (var line in position.Pending.TakeWhile(p => p.End <= length))
            {
                position.Delivered[line.Chain] = line.Sequence;
                end = line.End;
            }

            _stream.SetLength(end);
            _stream.Flush(flushToDisk: true);
        }

        // Otherwise the file is new, was rotated (shorter than saved) or had no batch in flight: append to it as it is.
        position.Pending.Clear();
        position.OutputLength = end;
        _stream.Seek(end, SeekOrigin.Begin);
    }

    /// <inheritdoc/>
    public Task DeliverAsync(IReadOnlyList<ExportLine> lines, ExportPosition position, Action<ExportPosition> save, CancellationToken cancellationToken)
    {
        var bytes = new List<byte[]>(lines.Count);
        var end = _stream.Position;
        position.Pending.Clear();
        foreach (var line in lines)
        {
            var data = Encoding.UTF8.GetBytes(line.Text + "\n");
            bytes.Add(data);
            end += data.Length;
            position.Pending.Add(new PendingLine(line.Chain, line.Sequence, end));
        }

        position.OutputLength = _stream.Position;
        save(position);
        foreach (var data in bytes)
        {
            _stream.Write(data);
        }

        _stream.Flush(flushToDisk: true);
        position.Pending.Clear();
        position.OutputLength = end;
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _stream.DisposeAsync();
}
