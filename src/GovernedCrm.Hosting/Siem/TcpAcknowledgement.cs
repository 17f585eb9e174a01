using System.Buffers.Binary;
using System.Net.Sockets;

namespace GovernedCrm.Hosting.Siem;

/// <summary>
/// Whether the peer's TCP stack has acknowledged every byte written to a socket (Linux <c>TCP_INFO</c>: no segment
/// unacknowledged, nothing left unsent). Syslog over TCP has no application acknowledgement (RFC 6587, RFC 5425), so
/// this is the strongest delivery signal a sender has: the bytes reached the collector's host.
/// </summary>
internal static class TcpAcknowledgement
{
    private const int IpProtoTcp = 6;
    private const int TcpInfo = 11;
    private const int StateOffset = 0;
    private const int UnackedOffset = 24;
    private const int NotSentBytesOffset = 144;
    private const byte Established = 1;
    private const byte CloseWait = 8;

    /// <summary>True when everything written was acknowledged; false while bytes are outstanding; null where the platform cannot tell (not Linux, or an old kernel).</summary>
    /// <exception cref="IOException">The connection was reset or closed before the bytes were acknowledged.</exception>
    public static bool? AllAcknowledged(Socket socket)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        Span<byte> info = stackalloc byte[256];
        var length = socket.GetRawSocketOption(IpProtoTcp, TcpInfo, info);
        if (length < NotSentBytesOffset + 4)
        {
            return null;
        }

        var unacked = BitConverter.IsLittleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(info[UnackedOffset..]) : BinaryPrimitives.ReadUInt32BigEndian(info[UnackedOffset..]);
        var notSent = BitConverter.IsLittleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(info[NotSentBytesOffset..]) : BinaryPrimitives.ReadUInt32BigEndian(info[NotSentBytesOffset..]);
        var acknowledged = unacked == 0 && notSent == 0;
        if (info[StateOffset] is not (Established or CloseWait))
        {
            throw new IOException("the connection to the collector was reset");
        }

        return acknowledged;
    }

    /// <summary>True when the connection is still open both ways (the collector has not closed its side).</summary>
    public static bool IsOpen(Socket socket)
    {
        if (!OperatingSystem.IsLinux())
        {
            return socket.Connected;
        }

        Span<byte> info = stackalloc byte[256];
        return socket.GetRawSocketOption(IpProtoTcp, TcpInfo, info) > 0 && info[StateOffset] == Established;
    }
}
