using GovernedCrm.Hosting.Stdio;

namespace GovernedCrm.Hosting.Batches;

/// <summary>
/// Standard input for the stdio transport, one JSON-RPC message a line. A line whose first byte that is not
/// whitespace is '[' (a JSON-RPC batch, which the SDK would drop without an answer) never reaches the SDK: the
/// refusal callback answers and audits it instead. Every other byte passes through unchanged. Reads stop when
/// the server shuts down, even while stdin is blocked.
/// </summary>
/// <param name="inner">The process's standard input.</param>
/// <param name="refuse">Answers and audits one refused batch.</param>
internal sealed class BatchRefusingInput(Stream inner, Func<CancellationToken, Task> refuse) : ReadOnlyInputStream(inner)
{
    private readonly byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;
    private LineState _state = LineState.Start;

    private enum LineState
    {
        Start,
        Message,
        Batch,
    }

    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (_start == _end)
            {
                // Console streams ignore cancellation: stop waiting for them when the server shuts down.
                var pending = Inner.ReadAsync(_buffer, cancellationToken);
                var read = pending.IsCompletedSuccessfully ? pending.Result : await pending.AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    if (_state == LineState.Batch)
                    {
                        _state = LineState.Start;
                        await refuse(cancellationToken).ConfigureAwait(false);
                    }

                    return 0;
                }

                (_start, _end) = (0, read);
            }

            var written = 0;
            var refused = 0;
            var destination = buffer.Span;
            while (_start < _end && written < destination.Length)
            {
                var b = _buffer[_start++];
                switch (_state)
                {
                    case LineState.Start when b == (byte)'[':
                        _state = LineState.Batch;
                        break;
                    case LineState.Start:
                        _state = JsonRpcBatchRefusal.IsWhitespace(b) ? LineState.Start : LineState.Message;
                        destination[written++] = b;
                        break;
                    case LineState.Message:
                        _state = b == (byte)'\n' ? LineState.Start : LineState.Message;
                        destination[written++] = b;
                        break;
                    case LineState.Batch when b == (byte)'\n':
                        _state = LineState.Start;
                        refused++;
                        break;
                }
            }

            for (; refused > 0; refused--)
            {
                await refuse(cancellationToken).ConfigureAwait(false);
            }

            if (written > 0)
            {
                return written;
            }
        }
    }
}
