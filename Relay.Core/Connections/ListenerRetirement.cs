namespace Relay.Core.Connections;

/// <summary>
/// The fate of one listening socket, shared by every connection it accepted: set once when a
/// reload removes the listener. From then on the registry's sweep drains those connections (HTTP
/// is asked to finish: GOAWAY on HTTP/2, <c>Connection: close</c> on HTTP/1.1) and resets what is
/// left at the deadline, as Envoy drains a listener LDS removed. One object per listener, not per
/// connection, so the accept path allocates nothing for it.
/// </summary>
internal sealed class ListenerRetirement
{
    private const long NotRetired = long.MaxValue;
    private long _deadlineMs = NotRetired;

    /// <summary>A listener that is never removed (tests, and sockets the drain closes all at once).</summary>
    public static ListenerRetirement Never { get; } = new();

    public bool Retired => Volatile.Read(ref _deadlineMs) != NotRetired;

    /// <summary>When what is left of its connections is reset (Environment.TickCount64).</summary>
    public long DeadlineMs => Volatile.Read(ref _deadlineMs);

    /// <summary>Starts the drain: connections get <paramref name="drainTimeout"/> (limits.drain_timeout) from now.</summary>
    public void Retire(TimeSpan drainTimeout, long nowMs)
    {
        if (ReferenceEquals(this, Never))
        {
            throw new InvalidOperationException("the shared Never retirement cannot be retired");
        }
        Interlocked.CompareExchange(ref _deadlineMs, nowMs + (long)drainTimeout.TotalMilliseconds, NotRetired);
    }
}
