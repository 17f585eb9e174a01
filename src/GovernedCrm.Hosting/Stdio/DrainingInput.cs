namespace GovernedCrm.Hosting.Stdio;

/// <summary>
/// The stdio transport's input, passed through unchanged, with every line noted in the <see cref="StdioRequestLedger"/>;
/// at the end of input it reports the end only once the requests read have been answered (see the ledger), so the
/// SDK, which cancels what is in flight when its input ends, has answered them all by then.
/// </summary>
/// <param name="inner">The input (stdin, batches already refused).</param>
/// <param name="ledger">The requests read and answered.</param>
internal sealed class DrainingInput(Stream inner, StdioRequestLedger ledger) : ReadOnlyInputStream(inner)
{
    private readonly LineObserver _lines = new(ledger.Received);

    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await Inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
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
}
