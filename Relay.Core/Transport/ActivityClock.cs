namespace Relay.Core.Transport;

/// <summary>
/// Last time bytes moved on a connection, written by the copy loops and read by the idle
/// sweep. A plain volatile long instead of a timer per connection: one tick read per chunk.
/// </summary>
internal sealed class ActivityClock
{
    private long _lastActivityMs = Environment.TickCount64;

    public long LastActivityMs => Volatile.Read(ref _lastActivityMs);

    public void Touch() => Volatile.Write(ref _lastActivityMs, Environment.TickCount64);

    public TimeSpan IdleFor(long nowMs) => TimeSpan.FromMilliseconds(nowMs - LastActivityMs);
}
