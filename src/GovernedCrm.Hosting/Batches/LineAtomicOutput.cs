using GovernedCrm.Hosting.Stdio;

namespace GovernedCrm.Hosting.Batches;

/// <summary>
/// Standard output for the stdio transport that only ever emits whole lines, so a line written with
/// <see cref="WriteLineAsync"/> (a batch refusal) can never land inside a message the SDK is writing in pieces
/// (it writes the JSON, then the line end).
/// </summary>
/// <param name="inner">The process's standard output.</param>
internal sealed class LineAtomicOutput(Stream inner) : WriteOnlyOutputStream(inner)
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly MemoryStream _partial = new();

    /// <summary>Writes <paramref name="line"/> and a line end between two whole lines of the other writer, and flushes.</summary>
    /// <param name="line">One message, without a line end.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task.</returns>
    public async Task WriteLineAsync(ReadOnlyMemory<byte> line, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await Inner.WriteAsync(line, cancellationToken).ConfigureAwait(false);
            await Inner.WriteAsync("\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
            await Inner.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <inheritdoc />
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Everything up to the last line end goes out now (after what was held back); the rest waits for its line end.
            var last = buffer.Span.LastIndexOf((byte)'\n');
            if (last < 0)
            {
                _partial.Write(buffer.Span);
                return;
            }

            if (_partial.Length > 0)
            {
                await Inner.WriteAsync(_partial.GetBuffer().AsMemory(0, (int)_partial.Length), cancellationToken).ConfigureAwait(false);
                _partial.SetLength(0);
            }

            await Inner.WriteAsync(buffer[..(last + 1)], cancellationToken).ConfigureAwait(false);
            _partial.Write(buffer.Span[(last + 1)..]);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <inheritdoc />
    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await Inner.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _partial.Dispose();
            _lock.Dispose();
        }

        base.Dispose(disposing);
    }
}
