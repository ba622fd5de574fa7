namespace Relay.Core.Upstreams;

/// <summary>
/// One endpoint's latency estimate, Linkerd's (tower's) peak EWMA: a sample above the estimate
/// replaces it at once (quick to punish a latency spike), a lower one moves it by the weight
/// exp(-elapsed/decay), and reading the estimate decays it toward zero with the time since the
/// last update, so an endpoint that was slow and got no traffic is tried again later. Starts at
/// <see cref="DefaultRtt"/> until it has a sample.
/// </summary>
internal sealed class PeakEwma
{
    /// <summary>linkerd2-proxy's outbound EWMA_DEFAULT_RTT (30 ms), for both its HTTP and TCP balancers.</summary>
    public static readonly TimeSpan DefaultRtt = TimeSpan.FromMilliseconds(30);

    /// <summary>linkerd2-proxy's outbound EWMA_DECAY (10 s): the window over which a slow sample fades.</summary>
    public static readonly TimeSpan Decay = TimeSpan.FromSeconds(10);

    private readonly Lock _lock = new();
    private readonly double _decayMs;
    private double _estimateMs;
    private long _updatedAtMs;

    public PeakEwma(long nowMs, TimeSpan? defaultRtt = null, TimeSpan? decay = null)
    {
        _estimateMs = (defaultRtt ?? DefaultRtt).TotalMilliseconds;
        _decayMs = (decay ?? Decay).TotalMilliseconds;
        _updatedAtMs = nowMs;
    }

    /// <summary>Records one round trip that ended at <paramref name="nowMs"/>; returns the new estimate (ms).</summary>
    public double Observe(TimeSpan rtt, long nowMs)
    {
        lock (_lock)
        {
            return Update(rtt.TotalMilliseconds, nowMs);
        }
    }

    /// <summary>The estimate (ms) decayed to <paramref name="nowMs"/> (tower's load(): an update with a zero sample).</summary>
    public double EstimateMs(long nowMs)
    {
        lock (_lock)
        {
            return Update(0, nowMs);
        }
    }

    private double Update(double rttMs, long nowMs)
    {
        if (rttMs > _estimateMs)
        {
            _estimateMs = rttMs;
        }
        else
        {
            var elapsed = Math.Max(0, nowMs - _updatedAtMs);
            var weight = Math.Exp(-elapsed / _decayMs);
            _estimateMs = (_estimateMs * weight) + (rttMs * (1 - weight));
        }
        _updatedAtMs = Math.Max(_updatedAtMs, nowMs);
        return _estimateMs;
    }
}
