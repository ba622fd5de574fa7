using Relay.Core.Config;
using Relay.Core.Mtls;
using Relay.Core.Net;

namespace Relay.Core.Upstreams.Health;

/// <summary>
/// Checks one endpoint of one service, one check at a time, until cancelled. Each round reads the
/// running config afresh (<see cref="HealthCheckers"/>' view): a reload that changes the check's
/// settings or the mesh credentials applies from the next check without restarting the loop, and
/// the verdict lands on the endpoint's <see cref="EndpointState"/>, which reloads carry over.
/// </summary>
internal sealed class HealthCheckLoop
{
    private readonly HealthCheckers _owner;
    private readonly CancellationTokenSource _stop = new();

    public HealthCheckLoop(HealthCheckers owner, string service, NetEndpoint endpoint)
    {
        _owner = owner;
        Service = service;
        Endpoint = endpoint;
        Completion = Task.Run(RunAsync);
    }

    public string Service { get; }

    public NetEndpoint Endpoint { get; }

    public Task Completion { get; }

    public void Stop() => _stop.Cancel();

    private async Task RunAsync()
    {
        var token = _stop.Token;
        // Envoy's initial_jitter: the first checks of many endpoints (and Relays) started by one
        // reload spread over the jitter share of an interval instead of landing at once.
        var first = true;
        while (!token.IsCancellationRequested)
        {
            if (_owner.Find(Service, Endpoint) is not { } found)
            {
                return;
            }
            var check = found.Service.HealthCheck!;
            try
            {
                await Task.Delay(first ? Jitter(check, check.Interval) : check.Interval + Jitter(check, check.Interval), _owner.Time, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            first = false;
            if (_owner.Find(Service, Endpoint) is not { } current)
            {
                return;
            }
            HealthCheckResult result;
            try
            {
                result = await HealthProbe.CheckAsync(current.Service, Endpoint, current.Tls, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // Stopped (a reload removed the endpoint, or the drain) with a check in flight: the
                // loop ends quietly. Letting it fault made the drain itself throw (seen in a
                // full-suite run: HealthCheckLoopbackTests' dispose failed with the check's cancel).
                return;
            }
            if (token.IsCancellationRequested)
            {
                return;
            }
            _owner.Record(current, Endpoint, result);
        }
    }

    /// <summary>Envoy's interval_jitter_percent: a random 0 to jitter% of the interval added to each wait.</summary>
    private static TimeSpan Jitter(HealthCheckSnapshot check, TimeSpan interval) =>
        TimeSpan.FromMilliseconds(interval.TotalMilliseconds * check.JitterPercent / 100.0 * Random.Shared.NextDouble());
}

/// <summary>The running config as one check round needs it: the service's cluster state and the mesh TLS to reach it with.</summary>
internal readonly record struct CheckTarget(ClusterState Cluster, MeshTlsRuntime? Tls)
{
    public ServiceSnapshot Service => Cluster.Service;
}
