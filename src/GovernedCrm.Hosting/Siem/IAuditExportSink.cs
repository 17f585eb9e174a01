namespace GovernedCrm.Hosting.Siem;

/// <summary>
/// Where <c>audit export</c> delivers its lines: stdout, an output file or a syslog collector. The exporter saves the
/// position after <see cref="DeliverAsync"/> returns, so a sink returns only once the batch is as delivered as it can
/// tell (written and flushed; for a file also on disk; for a collector acknowledged by its TCP stack).
/// </summary>
internal interface IAuditExportSink : IAsyncDisposable
{
    /// <summary>
    /// Brings a saved position up to date with what reached the destination before the last run stopped (the lines of
    /// an output file's unfinished batch that are in the file); called once before the first batch.
    /// </summary>
    /// <param name="position">The saved position, updated in place.</param>
    void Recover(ExportPosition position);

    /// <summary>Delivers one batch of lines (of one chain, in sequence order).</summary>
    /// <param name="lines">The lines.</param>
    /// <param name="position">The position before the batch; a sink may record in it what it is about to write.</param>
    /// <param name="save">Saves <paramref name="position"/> (does nothing without a position file).</param>
    /// <param name="cancellationToken">Stops waiting for an unreachable destination (the batch then counts as not delivered).</param>
    Task DeliverAsync(IReadOnlyList<ExportLine> lines, ExportPosition position, Action<ExportPosition> save, CancellationToken cancellationToken);
}

/// <summary>One formatted entry.</summary>
/// <param name="Chain">The entry's chain.</param>
/// <param name="Sequence">The entry's sequence number.</param>
/// <param name="Text">The line, without line ending or framing.</param>
internal sealed record ExportLine(string Chain, long Sequence, string Text);
