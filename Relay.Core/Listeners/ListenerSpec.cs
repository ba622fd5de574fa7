using Relay.Core.Connections;
using Relay.Core.Net;

namespace Relay.Core.Listeners;

/// <summary>One socket Relay listens on, and which path its connections take.</summary>
internal readonly record struct ListenerSpec(NetEndpoint Address, Direction Direction)
{
    public override string ToString() => $"{Direction.Label()} {Address}";
}
