namespace Relay.Core.Transport;

/// <summary>
/// A stream that is one of several carried in turn by one connection (relay/2's MeshChannel):
/// half-closing writes an end marker instead of shutting the socket down, and when its end is
/// disposed after a clean finish the connection is handed on instead of closed.
/// </summary>
internal interface ICarriedStream
{
    /// <summary>Ends this direction of the current stream only.</summary>
    ValueTask WriteEndAsync();

    /// <summary>Hands the connection on if the stream ended cleanly both ways; false if it must be closed.</summary>
    bool TryRelease();
}
