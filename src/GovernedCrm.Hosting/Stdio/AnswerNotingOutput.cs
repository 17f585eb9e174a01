namespace GovernedCrm.Hosting.Stdio;

/// <summary>
/// The stdio transport's output, passed through unchanged, with every line noted in the <see cref="StdioRequestLedger"/>
/// once it has been flushed: an answer counts when it has left, not when it is buffered.
/// </summary>
/// <param name="inner">The output (stdout, whole lines).</param>
/// <param name="ledger">The requests read and answered.</param>
internal sealed class AnswerNotingOutput(Stream inner, StdioRequestLedger ledger) : WriteOnlyOutputStream(inner)
{
    private readonly List<byte[]> _unflushed = [];
    private LineObserver? _lines;

    /// <inheritdoc />
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await Inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        lock (_unflushed)
        {
            _lines ??= new LineObserver(line => _unflushed.Add(line.ToArray()));
            _lines.Observe(buffer.Span);
        }
    }

    /// <inheritdoc />
    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        await Inner.FlushAsync(cancellationToken).ConfigureAwait(false);
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
}
