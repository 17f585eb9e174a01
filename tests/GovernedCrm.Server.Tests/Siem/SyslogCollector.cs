using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace GovernedCrm.Server.Tests.Siem;

/// <summary>
/// A syslog collector on 127.0.0.1 for the tests: accepts TCP connections (TLS with the given certificate, RFC 5425,
/// or plaintext), reads octet-counted frames (<c>MSG-LEN SP SYSLOG-MSG</c>) and keeps every message. It can be
/// stopped (listener and connections closed) and started again on the same port, as a collector that goes away.
/// </summary>
internal sealed class SyslogCollector : IAsyncDisposable
{
    private readonly X509Certificate2? _certificate;
    private readonly List<string> _messages = [];
    private readonly List<string> _problems = [];
    private readonly List<Task> _connections = [];
    private TcpListener? _listener;
    private CancellationTokenSource? _stop;
    private Task? _accepting;

    private SyslogCollector(X509Certificate2? certificate) => _certificate = certificate;

    public int Port { get; private set; }

    /// <summary>Every message received so far, in arrival order.</summary>
    public IReadOnlyList<string> Messages { get { lock (_messages) { return [.. _messages]; } } }

    /// <summary>Frames that did not parse (must stay empty).</summary>
    public IReadOnlyList<string> Problems { get { lock (_messages) { return [.. _problems]; } } }

    public static SyslogCollector Start(X509Certificate2? certificate, int port = 0)
    {
        var collector = new SyslogCollector(certificate);
        collector.Listen(port);
        return collector;
    }

    /// <summary>Starts listening again on the same port.</summary>
    public void Restart() => Listen(Port);

    /// <summary>Closes the listener and every connection.</summary>
    public async Task StopAsync()
    {
        _stop?.Cancel();
        _listener?.Stop();
        if (_accepting is not null)
        {
            await _accepting.ConfigureAwait(false);
        }

        Task[] connections;
        lock (_connections)
        {
            connections = [.. _connections];
            _connections.Clear();
        }

        await Task.WhenAll(connections).ConfigureAwait(false);
        _listener = null;
    }

    public async Task WaitForAsync(int count, TimeSpan timeout, Func<string> context)
    {
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (Messages.Count < count)
        {
            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"the collector has {Messages.Count} of {count} messages after {timeout}. {context()}");
            }

            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private void Listen(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _listener = listener;
        _stop = new CancellationTokenSource();
        var stop = _stop.Token;
        _accepting = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await listener.AcceptTcpClientAsync(stop).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }

                lock (_connections)
                {
                    _connections.Add(Task.Run(() => ReadAsync(client, stop)));
                }
            }
        });
    }

    private async Task ReadAsync(TcpClient client, CancellationToken stop)
    {
        using (client)
        {
            try
            {
                Stream stream = client.GetStream();
                if (_certificate is not null)
                {
                    var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                    await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, stop).ConfigureAwait(false);
                    stream = tls;
                }

                await using (stream.ConfigureAwait(false))
                {
                    while (await ReadFrameAsync(stream, stop).ConfigureAwait(false) is { } message)
                    {
                        lock (_messages)
                        {
                            _messages.Add(message);
                        }
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or System.Security.Authentication.AuthenticationException)
            {
                // Stopped, or the exporter went away (or refused our certificate).
            }
        }
    }

    // MSG-LEN SP SYSLOG-MSG: MSG-LEN is NONZERO-DIGIT *DIGIT, the octet count of SYSLOG-MSG. Null at a clean end of stream.
    private async Task<string?> ReadFrameAsync(Stream stream, CancellationToken stop)
    {
        var one = new byte[1];
        var length = 0;
        var digits = 0;
        while (true)
        {
            if (await stream.ReadAsync(one, stop).ConfigureAwait(false) == 0)
            {
                if (digits > 0)
                {
                    Problem("the stream ended inside a MSG-LEN");
                }

                return null;
            }

            if (one[0] == (byte)' ' && digits > 0)
            {
                break;
            }

            if (one[0] is < (byte)'0' or > (byte)'9' || (digits == 0 && one[0] == (byte)'0') || digits > 7)
            {
                Problem($"byte 0x{one[0]:x2} where MSG-LEN was expected");
                return null;
            }

            length = (length * 10) + (one[0] - '0');
            digits++;
        }

        var body = new byte[length];
        await stream.ReadExactlyAsync(body, stop).ConfigureAwait(false);
        return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(body);
    }

    private void Problem(string problem)
    {
        lock (_messages)
        {
            _problems.Add(problem);
        }
    }
}
