using System.Net.Sockets;
using Relay.Core.Net;

namespace Relay.Core.Capture;

/// <summary>
/// Recovers where a redirected connection was going: getsockopt(SOL_IP, SO_ORIGINAL_DST) for
/// IPv4 and getsockopt(SOL_IPV6, IP6T_SO_ORIGINAL_DST) for IPv6, read from conntrack's NAT entry.
/// </summary>
internal static class OriginalDestinationReader
{
    // <linux/netfilter_ipv4.h> SO_ORIGINAL_DST = 80; <linux/netfilter_ipv6/ip6_tables.h> IP6T_SO_ORIGINAL_DST = 80.
    private const int SoOriginalDst = 80;
    private const int SolIp = 0;
    private const int SolIpv6 = 41;

    public static bool TryRead(Socket socket, out OriginalDestination destination)
    {
        destination = default;
        var v6 = socket.AddressFamily == AddressFamily.InterNetworkV6;
        Span<byte> buffer = stackalloc byte[SockaddrParser.SockaddrIn6Size];
        int length;
        try
        {
            length = socket.GetRawSocketOption(v6 ? SolIpv6 : SolIp, SoOriginalDst, buffer);
        }
        catch (SocketException)
        {
            // ENOENT: no conntrack entry, i.e. the connection was not redirected (or conntrack is off).
            return false;
        }
        if (!SockaddrParser.TryParse(buffer[..length], out var endpoint))
        {
            return false;
        }
        destination = new OriginalDestination(endpoint);
        return true;
    }
}
