namespace Relay.Core.Transport;

/// <summary>
/// Last time bytes moved on a connection, written by the copy loops and read by the idle
/// sweep. A plain volatile long instead of a timer per connection: one tick read per chunk.
/// </summary>
internal sealed class ActivityClock
{
    private long _lastActivityMs = Environment.TickCount64;
    private int _clientSpoke;

    public long LastActivityMs => Volatile.Read(ref _lastActivityMs);

    /// <summary>Whether the client side has sent a byte (issue 17 §2: the first-byte limit on inbound plaintext).</summary>
    public bool ClientSpoke => Volatile.Read(ref _clientSpoke) != 0;

    public void Touch() => Volatile.Write(ref _lastActivityMs, Environment.TickCount64);

    /// <summary>Bytes arrived from the client: touched, and <see cref="ClientSpoke"/> from now on.</summary>
    public void TouchFromClient()
    {
        Touch();
        if (_clientSpoke == 0)
        {
            Volatile.Write(ref _clientSpoke, 1);
        }
    }

    public TimeSpan IdleFor(long nowMs) => TimeSpan.FromMilliseconds(nowMs - LastActivityMs);
}
