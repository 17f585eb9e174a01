using Dapper;
using GovernedCrm.Audit.Checkpoints;
using GovernedCrm.Audit.Entries;
using Microsoft.Extensions.Logging;

namespace GovernedCrm.Audit.Store;

/// <summary>
/// Signs a checkpoint with the audit key (kept in a file outside every database), stores it in the audit
/// database, appends it to the anchor file and logs it: three copies, so deleting one does not hide truncation.
/// </summary>
/// <param name="database">The audit database.</param>
/// <param name="key">The signing key.</param>
/// <param name="anchor">The anchor file.</param>
/// <param name="time">Stamps the stored checkpoint.</param>
/// <param name="logger">Logs every checkpoint.</param>
public sealed partial class SignedCheckpointPublisher(
    AuditDatabase database, AuditSigningKey key, AnchorFile anchor, TimeProvider time, ILogger<SignedCheckpointPublisher> logger) : ICheckpointPublisher
{
    /// <inheritdoc />
    public async Task PublishAsync(string chain, long size, byte[] root, CancellationToken cancellationToken)
    {
        var note = key.SignCheckpoint(new Checkpoint(AuditChains.Origin(chain), size, root));
        await using (var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            await connection.ExecuteAsync(
                "INSERT OR IGNORE INTO audit_checkpoints (chain, size, note, created_at) VALUES (@chain, @size, @note, @at)",
                new { chain, size, note, at = time.GetUtcNow().ToUnixTimeMilliseconds() }).ConfigureAwait(false);
        }

        anchor.Append(note);
        LogCheckpoint(logger, chain, size, Convert.ToBase64String(root));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit checkpoint signed: chain {Chain} size {Size} root {Root}")]
    private static partial void LogCheckpoint(ILogger logger, string chain, long size, string root);
}
