using Relay.Core.Net;
using Relay.Core.Vocabulary;

namespace Relay.Core.Listeners;

/// <summary>
/// One socket Relay listens on and which path its connections take. A transparent listener
/// (capture) reads each connection's original destination from conntrack; an explicit
/// listener (mesh.yaml <c>listeners</c>) has a fixed one, for apps that dial Relay directly.
/// </summary>
internal readonly record struct ListenerSpec(NetEndpoint Address, Direction Direction, OriginalDestination? FixedDestination = null)
{
    public override string ToString() =>
        FixedDestination is { } fixedTo ? $"{Direction.Label()} {Address} -> {fixedTo}" : $"{Direction.Label()} {Address}";
}
