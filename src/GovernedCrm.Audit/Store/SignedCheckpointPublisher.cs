using GovernedCrm.Audit.Checkpoints;

namespace GovernedCrm.Audit.Store;

/// <summary>
/// Signs checkpoints with the audit key (kept in a file outside every database) and exports them to the anchor
/// file and the log; the writer stores them in the audit database. Three copies, so deleting one does not hide
/// truncation.
/// </summary>
/// <param name="key">The signing key.</param>
/// <param name="anchor">The anchor file.</param>
/// <param name="logger">Logs every checkpoint.</param>
/// <param name="exported">Called after each export (wakes the witness publisher; must not block).</param>
public sealed partial class SignedCheckpointPublisher(AuditSigningKey key, AnchorFile anchor, ILogger<SignedCheckpointPublisher> logger, Action? exported = null) : ICheckpointPublisher
{
    /// <inheritdoc />
    public string Sign(string chain, long size, byte[] root) =>
        key.SignCheckpoint(new Checkpoint(AuditChains.Origin(chain), size, root));

    /// <inheritdoc />
    public void Export(string chain, long size, string note)
    {
        anchor.Append(note);
        ArgumentNullException.ThrowIfNull(note);
        var lines = note.Split('\n', 4);
        LogCheckpoint(logger, chain, size, lines.Length > 2 ? lines[2] : "");
        exported?.Invoke();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit checkpoint signed: chain {Chain} size {Size} root {Root}")]
    private static partial void LogCheckpoint(ILogger logger, string chain, long size, string root);
}
