using System.Net;
using System.Net.Sockets;

namespace Relay.Core.Net;

/// <summary>
/// An IP address and TCP port, the typed address passed between stages. IPv4-mapped IPv6
/// addresses are normalised to IPv4 so one service entry matches however the app dialled it.
/// </summary>
public readonly record struct NetEndpoint
{
    public NetEndpoint(IPAddress address, int port)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        Address = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        Port = port;
    }

    public IPAddress Address { get; }

    public int Port { get; }

    public AddressFamily Family => Address.AddressFamily;

    public IPEndPoint ToIPEndPoint() => new(Address, Port);

    public static NetEndpoint From(IPEndPoint endPoint) => new(endPoint.Address, endPoint.Port);

    /// <summary>Parses "198.18.0.2:8080" or "[fd00::2]:8080".</summary>
    public static bool TryParse(string text, out NetEndpoint endpoint)
    {
        endpoint = default;
        if (!IPEndPoint.TryParse(text, out var parsed) || parsed.Port == 0)
        {
            return false;
        }
        // IPEndPoint.TryParse accepts a bare IPv6 address with its last group read as a port;
        // a mesh endpoint must say its port explicitly, bracketed for IPv6.
        if (parsed.AddressFamily == AddressFamily.InterNetworkV6 && !text.StartsWith('['))
        {
            return false;
        }
        endpoint = new NetEndpoint(parsed.Address, parsed.Port);
        return true;
    }

    public override string ToString() =>
        Family == AddressFamily.InterNetworkV6 ? $"[{Address}]:{Port}" : $"{Address}:{Port}";
}
