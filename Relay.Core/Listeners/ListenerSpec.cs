using Relay.Core.Config;
using Relay.Core.Net;
using Relay.Core.Vocabulary;

namespace Relay.Core.Listeners;

/// <summary>
/// One socket Relay listens on and which path its connections take. A transparent listener
/// (capture) reads each connection's original destination from conntrack; an explicit
/// listener (mesh.yaml <c>listeners</c>) has a fixed one, for apps that dial Relay directly.
/// An explicit listener's socket is identified by its address alone (<see cref="BySocket"/>): a
/// reload that keeps the address but changes where it leads keeps the socket, and each connection
/// reads direction and destination from the config it runs under (<see cref="Under"/>).
/// </summary>
internal readonly record struct ListenerSpec(NetEndpoint Address, Direction Direction, OriginalDestination? FixedDestination = null)
{
    /// <summary>Equal when one bound socket serves both: same address and, for capture listeners, same direction.</summary>
    public static IEqualityComparer<ListenerSpec> BySocket { get; } = EqualityComparer<ListenerSpec>.Create(
        (a, b) => a.SocketKey == b.SocketKey,
        spec => spec.SocketKey.GetHashCode());

    private (NetEndpoint, Direction?) SocketKey => (Address, FixedDestination is null ? Direction : null);

    /// <summary>
    /// What this listener means under <paramref name="snapshot"/>: for an explicit listener the
    /// direction and destination that config gives its address (itself when the config no longer
    /// has it: a listener a reload removed, still open until the swap is done).
    /// </summary>
    public ListenerSpec Under(ConfigSnapshot snapshot)
    {
        if (FixedDestination is null)
        {
            return this;
        }
        foreach (var listener in snapshot.Listeners)
        {
            if (listener.Address == Address)
            {
                return new ListenerSpec(Address, listener.Direction, listener.Destination);
            }
        }
        return this;
    }

    public override string ToString() =>
        FixedDestination is { } fixedTo ? $"{Direction.Label()} {Address} -> {fixedTo}" : $"{Direction.Label()} {Address}";
}
