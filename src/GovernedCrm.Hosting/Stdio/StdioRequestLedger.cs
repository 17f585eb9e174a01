namespace GovernedCrm.Hosting.Stdio;

/// <summary>
/// The requests read from stdin that the server has not answered yet, so that the end of input waits for their
/// answers (<c>printf '...' | governed-crm</c> gets every answer) instead of cancelling them. A request the client
/// cancels (<c>notifications/cancelled</c>) is not waited for. Once input has ended, a request the server sends to
/// the client (elicitation) can never be answered, so the wait stops there rather than hang.
/// </summary>
internal sealed class StdioRequestLedger
{
    private readonly Lock _gate = new();
    private readonly HashSet<string> _pending = new(StringComparer.Ordinal);
    private readonly HashSet<string> _asked = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _settled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _inputEnded;

    /// <summary>A line the client sent.</summary>
    public void Received(ReadOnlySpan<byte> line)
    {
        var message = JsonRpcLine.Read(line);
        lock (_gate)
        {
            if (message.IsRequest)
            {
                _pending.Add(message.Id!);
            }
            else if (message.IsResponse)
            {
                _asked.Remove(message.Id!);
            }
            else if (message.CancelledId is { } cancelled)
            {
                _pending.Remove(cancelled);
            }

            SettleIfDone();
        }
    }

    /// <summary>A line the server wrote.</summary>
    public void Sent(ReadOnlySpan<byte> line)
    {
        var message = JsonRpcLine.Read(line);
        lock (_gate)
        {
            if (message.IsResponse)
            {
                _pending.Remove(message.Id!);
            }
            else if (message.IsRequest)
            {
                _asked.Add(message.Id!);
            }

            SettleIfDone();
        }
    }

    /// <summary>Input has ended: completes once every request read is answered (or can no longer be).</summary>
    public Task InputEndedAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _inputEnded = true;
            SettleIfDone();
        }

        return _settled.Task.WaitAsync(cancellationToken);
    }

    private void SettleIfDone()
    {
        if (_inputEnded && (_pending.Count == 0 || _asked.Count > 0))
        {
            _settled.TrySetResult();
        }
    }
}
