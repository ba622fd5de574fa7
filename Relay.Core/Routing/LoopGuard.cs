using System.Net;
using System.Net.NetworkInformation;
using Relay.Core.Config;
using Relay.Core.Net;

namespace Relay.Core.Routing;

/// <summary>
/// Refuses connections that would reach Relay's own listeners again: one that was not
/// redirected at all (its original destination is the socket's own local address), or one
/// whose original destination is a Relay port on this host. Forwarding either would loop.
/// </summary>
internal static class LoopGuard
{
    public static bool IsLoop(OriginalDestination destination, EndPoint? localEndPoint, ConfigSnapshot config)
    {
        if (localEndPoint is IPEndPoint local && NetEndpoint.From(local) == destination.Endpoint)
        {
            return true;
        }
        var port = destination.Endpoint.Port;
        var ownPort = port == config.Capture.OutboundPort || port == config.Capture.InboundPort || port == config.Admin.Address.Port;
        return ownPort && IsLocalAddress(destination.Endpoint.Address);
    }

    private static bool IsLocalAddress(IPAddress address)
    {
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            return true;
        }
        // Only reached when the port is one of Relay's, so enumerating interfaces is rare.
        return NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(nic => nic.GetIPProperties().UnicastAddresses)
            .Any(unicast => unicast.Address.Equals(address));
    }
}
