namespace GovernedCrm.Hosting.Batches;

/// <summary>
/// The stdio transport's stdin and stdout, as the SDK's stdio transport opens them, with JSON-RPC batches refused
/// (<see cref="BatchRefusingInput"/>): the refusal goes out as a whole line on stdout and is audited once
/// <see cref="Services"/> is set.
/// </summary>
internal sealed class StdioTransportStreams
{
    private readonly Func<ReadOnlyMemory<byte>, CancellationToken, Task> _writeLine;

    public StdioTransportStreams()
    {
#pragma warning disable RS0030 // The transport's own streams: stdout carries JSON-RPC and nothing else.
        var lines = new LineAtomicOutput(new BufferedStream(Console.OpenStandardOutput()));
        _writeLine = lines.WriteLineAsync;
        var ledger = new Stdio.StdioRequestLedger();
        Output = new Stdio.AnswerNotingOutput(lines, ledger);
        Input = new Stdio.DrainingInput(new BatchRefusingInput(Console.OpenStandardInput(), RefuseAsync), ledger);
#pragma warning restore RS0030
    }

    /// <summary>What the transport reads; at its end, it waits for the answers to the requests read (see <see cref="Stdio.StdioRequestLedger"/>).</summary>
    public Stream Input { get; }

    /// <summary>What the transport writes.</summary>
    public Stream Output { get; }

    /// <summary>The host's services, for the audit entry; set once the host is built, before it starts reading.</summary>
    public IServiceProvider? Services { get; set; }

    private async Task RefuseAsync(CancellationToken cancellationToken)
    {
        if (Services is { } services)
        {
            // Over stdio the caller is the local user (no principal); the session has no id.
            await JsonRpcBatchRefusal.RecordAsync(services, user: null, sessionId: null, "stdio", cancellationToken).ConfigureAwait(false);
        }

        await _writeLine(JsonRpcBatchRefusal.Response, cancellationToken).ConfigureAwait(false);
    }
}
