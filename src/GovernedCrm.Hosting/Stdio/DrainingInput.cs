namespace GovernedCrm.Hosting.Stdio;

/// <summary>
/// The stdio transport's input, passed through unchanged, with every line noted in the <see cref="StdioRequestLedger"/>;
/// at the end of input it reports the end only once the requests read have been answered (see the ledger), so the
/// SDK, which cancels what is in flight when its input ends, has answered them all by then.
/// </summary>
/// <param name="inner">The input (stdin, batches already refused).</param>
/// <param name="ledger">The requests read and answered.</param>
internal sealed class DrainingInput(Stream inner, StdioRequestLedger ledger) : Stream
{
    private readonly LineObserver _lines = new(ledger.Received);

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => false;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (read > 0)
        {
            _lines.Observe(buffer.Span[..read]);
            return read;
        }

        if (_lines.HasPartialLine && !buffer.IsEmpty)
        {
            // A last line without a line end: end it, so the transport reads it as a message before the end of input.
            buffer.Span[0] = (byte)'\n';
            _lines.Observe(buffer.Span[..1]);
            return 1;
        }

        await ledger.InputEndedAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

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
