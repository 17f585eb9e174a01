using GovernedCrm.Hosting.Siem;

namespace GovernedCrm.Server.Cli;

/// <summary>
/// <c>audit export</c> to stdout: a batch is written as one block of lines and flushed before the exporter saves its
/// position. A pipe cannot say what its reader got, so after a kill (SIGKILL) between the flush and the position
/// save (a few milliseconds per batch) that one batch is written again on restart: at-least-once, every line
/// carrying its chain and seq. <c>--output FILE</c> is exactly-once.
/// </summary>
internal sealed class StdoutExportSink : IAuditExportSink
{
    public void Recover(ExportPosition position)
    {
        // Nothing to recover: what a pipe's reader received cannot be known.
    }

    public async Task DeliverAsync(IReadOnlyList<ExportLine> lines, ExportPosition position, Action<ExportPosition> save, CancellationToken cancellationToken)
    {
        var block = new System.Text.StringBuilder();
        foreach (var line in lines)
        {
            block.Append(line.Text).Append('\n');
        }

        await CliConsole.Out.WriteAsync(block.ToString()).ConfigureAwait(false);
        await CliConsole.Out.FlushAsync(CancellationToken.None).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
