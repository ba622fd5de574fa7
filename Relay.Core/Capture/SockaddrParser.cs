using System.Buffers.Binary;
using System.Net;
using Relay.Core.Net;

namespace Relay.Core.Capture;

/// <summary>
/// Decodes the <c>struct sockaddr_in</c> / <c>sockaddr_in6</c> that getsockopt(SO_ORIGINAL_DST)
/// fills in. Pure, so both layouts are unit-tested without iptables.
/// </summary>
internal static class SockaddrParser
{
    public const int SockaddrInSize = 16;
    public const int SockaddrIn6Size = 28;

    // <bits/socket.h>: AF_INET = 2, AF_INET6 = 10 (sa_family_t is host-order u16).
    private const ushort AfInet = 2;
    private const ushort AfInet6 = 10;

    public static bool TryParse(ReadOnlySpan<byte> sockaddr, out NetEndpoint endpoint)
    {
        endpoint = default;
        if (sockaddr.Length < 2)
        {
            return false;
        }
        var family = BitConverter.IsLittleEndian
            ? BinaryPrimitives.ReadUInt16LittleEndian(sockaddr)
            : BinaryPrimitives.ReadUInt16BigEndian(sockaddr);
        switch (family)
        {
            case AfInet when sockaddr.Length >= SockaddrInSize:
                // sin_port (network order) at 2, sin_addr at 4.
                endpoint = new NetEndpoint(new IPAddress(sockaddr.Slice(4, 4)), BinaryPrimitives.ReadUInt16BigEndian(sockaddr[2..]));
                return true;
            case AfInet6 when sockaddr.Length >= SockaddrIn6Size:
                // sin6_port at 2, sin6_flowinfo at 4, sin6_addr at 8, sin6_scope_id at 24.
                var scope = BitConverter.IsLittleEndian
                    ? BinaryPrimitives.ReadUInt32LittleEndian(sockaddr[24..])
                    : BinaryPrimitives.ReadUInt32BigEndian(sockaddr[24..]);
                endpoint = new NetEndpoint(new IPAddress(sockaddr.Slice(8, 16), scope), BinaryPrimitives.ReadUInt16BigEndian(sockaddr[2..]));
                return true;
            default:
                return false;
        }
    }
}
