using Relay.Core.Config;

namespace Relay.Core.Upstreams;

/// <summary>
/// Passive health of one endpoint (outlier detection): streaks of 5xx responses, gateway errors
/// and connect failures; when one reaches its threshold (or a mesh handshake fails) the endpoint
/// may be ejected, for a time that doubles with each consecutive ejection. The cluster decides
/// whether the ejection is allowed (max ejection percent: <see cref="ClusterState.Report"/>).
/// </summary>
internal sealed class EndpointHealth
{
    private readonly Lock _lock = new();
    private int _consecutive5xx;
    private int _consecutiveGateway;
    private int _consecutiveConnect;
    private int _ejections;
    private long _ejectedUntilMs;
    private readonly long[] _ejectionsByReason = new long[4];
    private EjectionReason? _ejectedFor;

    public bool IsEjected(long nowMs) => nowMs < Volatile.Read(ref _ejectedUntilMs);

    /// <summary>The longest current failure streak, any kind (the /clusters figure).</summary>
    public int ConsecutiveFailures
    {
        get
        {
            lock (_lock)
            {
                return Math.Max(_consecutiveConnect, Math.Max(_consecutive5xx, _consecutiveGateway));
            }
        }
    }

    /// <summary>Ejections in a row (the multiplier of the next ejection's time).</summary>
    public int Ejections => Volatile.Read(ref _ejections);

    public long EjectionsFor(EjectionReason reason) => Interlocked.Read(ref _ejectionsByReason[(int)reason]);

    /// <summary>Records one outcome; returns the reason an ejection is due, if a threshold was reached.</summary>
    public EjectionReason? Record(EndpointOutcome outcome, OutlierDetectionSnapshot policy, long nowMs)
    {
        lock (_lock)
        {
            switch (outcome)
            {
                case EndpointOutcome.Connected:
                    _consecutiveConnect = 0;
                    if (_ejectedFor == EjectionReason.ConnectFailure)
                    {
                        // Tried as a last resort and it answered: the one thing that ejected it is over.
                        Volatile.Write(ref _ejectedUntilMs, 0);
                        _ejectedFor = null;
                    }
                    ForgetEjectionsIfLongHealthy(policy, nowMs);
                    return null;
                case EndpointOutcome.Responded:
                    _consecutive5xx = 0;
                    _consecutiveGateway = 0;
                    ForgetEjectionsIfLongHealthy(policy, nowMs);
                    return null;
                case EndpointOutcome.ServerError:
                    _consecutiveGateway = 0;
                    return ++_consecutive5xx >= policy.Consecutive5xx ? EjectionReason.Consecutive5xx : null;
                case EndpointOutcome.GatewayError:
                    ++_consecutive5xx;
                    return ++_consecutiveGateway >= policy.ConsecutiveGatewayErrors ? EjectionReason.ConsecutiveGatewayErrors
                        : _consecutive5xx >= policy.Consecutive5xx ? EjectionReason.Consecutive5xx : null;
                case EndpointOutcome.ConnectFailed:
                    return ++_consecutiveConnect >= policy.ConsecutiveConnectFailures ? EjectionReason.ConnectFailure : null;
                default:
                    return EjectionReason.TlsFailure;
            }
        }
    }

    /// <summary>
    /// Ejects for base × 2^(ejections in a row), capped at the max. The response streaks start
    /// afresh (a returning endpoint gets a full streak's chances); the connect-failure streak runs
    /// on until a connect succeeds, so a still-dead endpoint is ejected again at its first failure.
    /// </summary>
    public void Eject(EjectionReason reason, OutlierDetectionSnapshot policy, long nowMs)
    {
        lock (_lock)
        {
            var ms = policy.BaseEjectionTime.TotalMilliseconds * Math.Pow(2, Math.Min(_ejections, 20));
            Volatile.Write(ref _ejectedUntilMs, nowMs + (long)Math.Min(ms, policy.MaxEjectionTime.TotalMilliseconds));
            _ejections++;
            _ejectedFor = reason;
            _consecutive5xx = 0;
            _consecutiveGateway = 0;
            Interlocked.Increment(ref _ejectionsByReason[(int)reason]);
        }
    }

    /// <summary>
    /// Ends a running ejection now (an active health check passed: Envoy's
    /// successful_active_health_check_uneject_host, on by default). The count of ejections in a
    /// row stays, so an endpoint that fails traffic again is ejected for longer.
    /// </summary>
    /// <returns>True when the endpoint was ejected.</returns>
    public bool EndEjection(long nowMs)
    {
        lock (_lock)
        {
            if (!IsEjected(nowMs))
            {
                return false;
            }
            Volatile.Write(ref _ejectedUntilMs, nowMs);
            _ejectedFor = null;
            return true;
        }
    }

    /// <summary>A success after the endpoint has stayed in for the max ejection time: the next ejection starts from the base again.</summary>
    private void ForgetEjectionsIfLongHealthy(OutlierDetectionSnapshot policy, long nowMs)
    {
        if (_ejections > 0 && nowMs - _ejectedUntilMs >= policy.MaxEjectionTime.TotalMilliseconds)
        {
            _ejections = 0;
        }
    }
}
