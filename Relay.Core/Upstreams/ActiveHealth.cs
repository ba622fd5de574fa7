using Relay.Core.Config;

namespace Relay.Core.Upstreams;

/// <summary>
/// What active health checks say about one endpoint (<c>health_check</c>), Envoy's threshold
/// state machine: a healthy endpoint turns unhealthy after <c>unhealthy_threshold</c> failed
/// checks in a row, an unhealthy one healthy after <c>healthy_threshold</c> passes in a row. An
/// endpoint never checked yet is not healthy, and its first pass alone makes it healthy (Envoy:
/// "during startup, only a single successful health check is required"), so a new endpoint takes
/// traffic only once it answered, yet a restart does not wait threshold × interval.
/// Kept with its <see cref="EndpointState"/> across reloads.
/// </summary>
internal sealed class ActiveHealth
{
    private readonly Lock _lock = new();
    private bool _checked;
    private bool _healthy;
    private int _passes;
    private int _failures;

    /// <summary>True once a check passed and fewer than unhealthy_threshold have failed since (read by PickOrder).</summary>
    public bool IsHealthy => Volatile.Read(ref _healthy);

    public HealthCheckState State
    {
        get
        {
            lock (_lock)
            {
                return !_checked ? HealthCheckState.Pending : _healthy ? HealthCheckState.Healthy : HealthCheckState.Unhealthy;
            }
        }
    }

    /// <summary>The last failed check's result while the streak of failures lasts; null after a pass.</summary>
    public HealthCheckResult? LastFailure { get; private set; }

    /// <summary>Records one check; returns the new state when this check changed it.</summary>
    public HealthCheckState? Record(HealthCheckResult result, HealthCheckSnapshot policy)
    {
        lock (_lock)
        {
            var first = !_checked;
            _checked = true;
            if (result == HealthCheckResult.Passed)
            {
                _failures = 0;
                LastFailure = null;
                _passes++;
                if (!_healthy && (first || _passes >= policy.HealthyThreshold))
                {
                    Volatile.Write(ref _healthy, true);
                    return HealthCheckState.Healthy;
                }
                return null;
            }
            _passes = 0;
            _failures++;
            LastFailure = result;
            if (_healthy && _failures >= policy.UnhealthyThreshold)
            {
                Volatile.Write(ref _healthy, false);
                return HealthCheckState.Unhealthy;
            }
            // A first check that fails leaves pending for unhealthy at once: the endpoint never answered.
            return first ? HealthCheckState.Unhealthy : null;
        }
    }
}

/// <summary>An endpoint's active health: the /clusters word.</summary>
internal enum HealthCheckState
{
    /// <summary>Not checked yet: not healthy (no traffic unless the panic threshold routes to all).</summary>
    Pending,
    Healthy,
    Unhealthy,
}

/// <summary>How one check ended; the <c>result</c> label of <c>relay_health_checks_total</c>.</summary>
internal enum HealthCheckResult
{
    Passed,

    /// <summary>An HTTP status outside expected_statuses.</summary>
    BadStatus,

    /// <summary>No answer (connect, handshake or response) within the timeout.</summary>
    Timeout,

    /// <summary>The TCP connect was refused, or the connection reset before a response.</summary>
    ConnectFailed,

    /// <summary>The mesh TLS handshake with the peer Relay failed.</summary>
    TlsFailed,
}

internal static class HealthCheckWords
{
    public static string Label(this HealthCheckResult result) => result switch
    {
        HealthCheckResult.Passed => "passed",
        HealthCheckResult.BadStatus => "bad_status",
        HealthCheckResult.Timeout => "timeout",
        HealthCheckResult.ConnectFailed => "connect_failed",
        _ => "tls_failed",
    };

    public static string Word(this HealthCheckState state) => state switch
    {
        HealthCheckState.Pending => "pending",
        HealthCheckState.Healthy => "healthy",
        _ => "unhealthy",
    };
}
