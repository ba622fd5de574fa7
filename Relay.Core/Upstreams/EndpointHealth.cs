namespace Relay.Core.Upstreams;

/// <summary>
/// Passive health of one endpoint: after a failed connect it is ejected for a backoff that
/// doubles per consecutive failure (1 s, 2 s, 4 s … capped at 30 s, Envoy's default base
/// ejection time), so new connections stop paying a connect timeout for a dead endpoint.
/// </summary>
internal sealed class EndpointHealth
{
    private static readonly long MaxEjectionMs = (long)TimeSpan.FromSeconds(30).TotalMilliseconds;
    private const long BaseEjectionMs = 1000;

    private int _consecutiveFailures;
    private long _ejectedUntilMs;

    public bool IsEjected(long nowMs) => nowMs < Volatile.Read(ref _ejectedUntilMs);

    public int ConsecutiveFailures => Volatile.Read(ref _consecutiveFailures);

    public void RecordSuccess()
    {
        if (Volatile.Read(ref _consecutiveFailures) != 0)
        {
            Volatile.Write(ref _consecutiveFailures, 0);
            Volatile.Write(ref _ejectedUntilMs, 0);
        }
    }

    public void RecordFailure(long nowMs)
    {
        var failures = Interlocked.Increment(ref _consecutiveFailures);
        var backoff = Math.Min(MaxEjectionMs, BaseEjectionMs << Math.Min(failures - 1, 5));
        Volatile.Write(ref _ejectedUntilMs, nowMs + backoff);
    }
}
