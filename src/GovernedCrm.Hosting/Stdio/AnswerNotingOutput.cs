namespace GovernedCrm.Hosting.Stdio;

/// <summary>
/// The stdio transport's output, passed through unchanged, with every line noted in the <see cref="StdioRequestLedger"/>
/// once it has been flushed: an answer counts when it has left, not when it is buffered.
/// </summary>
/// <param name="inner">The output (stdout, whole lines).</param>
/// <param name="ledger">The requests read and answered.</param>
internal sealed class AnswerNotingOutput(Stream inner, StdioRequestLedger ledger) : Stream
{
    private readonly List<byte[]> _unflushed = [];
    private LineObserver? _lines;

    /// <inheritdoc />
    public override bool CanRead => false;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => true;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <inheritdoc />
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        lock (_unflushed)
        {
            _lines ??= new LineObserver(line => _unflushed.Add(line.ToArray()));
            _lines.Observe(buffer.Span);
        }
    }

    /// <inheritdoc />
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    /// <inheritdoc />
    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        await inner.FlushAsync(cancellationToken).ConfigureAwait(false);
        NoteFlushed();
    }

    /// <inheritdoc />
    public override void Flush()
    {
        inner.Flush();
        NoteFlushed();
    }

    private void NoteFlushed()
    {
        byte[][] lines;
        lock (_unflushed)
        {
            lines = [.. _unflushed];
            _unflushed.Clear();
        }

        foreach (var line in lines)
        {
            ledger.Sent(line);
        }
    }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
