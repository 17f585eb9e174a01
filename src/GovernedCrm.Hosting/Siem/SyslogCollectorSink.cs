using System.Net.Sockets;
using System.Security.Authentication;

namespace GovernedCrm.Hosting.Siem;

/// <summary>
/// <c>audit export --syslog HOST:PORT</c>: sends each batch to the collector and returns once the collector's TCP
/// stack acknowledged it. While the collector cannot be reached, or when the connection breaks before a batch is
/// acknowledged, it reconnects with backoff (0.5 s doubling to 30 s) and sends the whole batch again: no entry is
/// lost; an entry of a batch that broke mid-way may arrive twice (the receiver drops repeats by chain and seq).
/// A certificate the exporter does not trust is not retried: it ends the export (exit 2).
/// </summary>
/// <param name="target">The collector.</param>
/// <param name="report">Prints one progress line (stderr).</param>
/// <param name="time">The clock of the backoff waits.</param>
internal sealed class SyslogCollectorSink(SyslogTarget target, Action<string> report, TimeProvider time) : IAuditExportSink
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private SyslogConnection? _connection;

    /// <inheritdoc/>
    public void Recover(ExportPosition position)
    {
        // Nothing to recover: a batch the collector did not acknowledge was never counted as delivered.
    }

    /// <inheritdoc/>
    public async Task DeliverAsync(IReadOnlyList<ExportLine> lines, ExportPosition position, Action<ExportPosition> save, CancellationToken cancellationToken)
    {
        var backoff = FirstBackoff;
        while (true)
        {
            try
            {
                if (_connection is { IsOpen: false })
                {
                    await DropAsync().ConfigureAwait(false);
                }

                if (_connection is null)
                {
                    _connection = await SyslogConnection.OpenAsync(target, cancellationToken).ConfigureAwait(false);
                    report($"connected to the syslog collector {target}");
                }

                await _connection.SendAsync(lines.Select(l => l.Text), cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (AuthenticationException ex)
            {
                await DropAsync().ConfigureAwait(false);
                throw new StartupException($"the syslog collector {target} failed the TLS check: {ex.Message} (pass --syslog-ca FILE for a private CA)");
            }
            catch (Exception ex) when (ex is SocketException or IOException)
            {
                await DropAsync().ConfigureAwait(false);
                var reason = ex is SocketException socket ? socket.SocketErrorCode.ToString() : ex.Message;
                report($"syslog collector {target} unavailable ({reason}); entries from {lines[0].Chain}/{lines[0].Sequence} on are kept and sent again in {backoff.TotalSeconds:0.#} s");
                await Task.Delay(backoff, time, cancellationToken).ConfigureAwait(false);
                backoff = backoff * 2 > MaxBackoff ? MaxBackoff : backoff * 2;
            }
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => DropAsync();

    private async ValueTask DropAsync()
    {
        if (_connection is { } connection)
        {
            _connection = null;
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
