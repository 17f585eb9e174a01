using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace GovernedCrm.Hosting.Siem;

/// <summary>
/// One TCP connection to a syslog collector, TLS unless the target says plaintext, sending RFC 5424 messages with
/// octet-counting framing (<c>MSG-LEN SP SYSLOG-MSG</c>, RFC 6587 section 3.4.1 and RFC 5425 section 4.3).
/// </summary>
internal sealed class SyslogConnection : IAsyncDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan AcknowledgeTimeout = TimeSpan.FromSeconds(30);
    private readonly Socket _socket;
    private readonly Stream _stream;

    private SyslogConnection(Socket socket, Stream stream)
    {
        _socket = socket;
        _stream = stream;
    }

    /// <summary>True while the collector has not closed or reset the connection.</summary>
    public bool IsOpen => TcpAcknowledgement.IsOpen(_socket);

    /// <summary>Connects (10 s at most) and completes the TLS handshake.</summary>
    /// <exception cref="SocketException">The collector cannot be reached.</exception>
    /// <exception cref="IOException">The connection broke during the handshake.</exception>
    /// <exception cref="AuthenticationException">The collector's certificate is not trusted or not for this host.</exception>
    public static async Task<SyslogConnection> OpenAsync(SyslogTarget target, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream? stream = null;
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(ConnectTimeout);
            try
            {
                await socket.ConnectAsync(target.Host, target.Port, limit.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new SocketException((int)SocketError.TimedOut);
            }

            stream = new NetworkStream(socket, ownsSocket: false);
            if (!target.Plaintext)
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = tls;
                var options = new SslClientAuthenticationOptions { TargetHost = target.Host };
                if (target.TrustedRoots is { } roots)
                {
                    options.CertificateChainPolicy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
                    options.CertificateChainPolicy.CustomTrustStore.AddRange(roots);
                }

                await tls.AuthenticateAsClientAsync(options, limit.Token).ConfigureAwait(false);
            }

            return new SyslogConnection(socket, stream);
        }
        catch
        {
            if (stream is not null)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }

            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends the messages, each framed by its octet count, and waits until the collector's TCP stack has acknowledged
    /// every byte (Linux; elsewhere until the bytes are flushed to the socket).
    /// </summary>
    /// <exception cref="IOException">The connection broke, or nothing was acknowledged within 30 s.</exception>
    public async Task SendAsync(IEnumerable<string> messages, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        foreach (var message in messages)
        {
            var body = Encoding.UTF8.GetBytes(message);
            buffer.Write(Encoding.ASCII.GetBytes(body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + " "));
            buffer.Write(body);
        }

        await _stream.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), cancellationToken).ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        var deadline = TimeProvider.System.GetTimestamp();
        while (TcpAcknowledgement.AllAcknowledged(_socket) == false)
        {
            if (TimeProvider.System.GetElapsedTime(deadline) > AcknowledgeTimeout)
            {
                throw new IOException($"the collector did not acknowledge the messages within {AcknowledgeTimeout.TotalSeconds:0} s");
            }

            await Task.Delay(2, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The collector is gone already: closing (TLS close_notify) cannot reach it.
        }

        _socket.Dispose();
    }
}
