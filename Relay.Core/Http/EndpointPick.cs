using System.Diagnostics;
using System.Net.Http;
using Microsoft.AspNetCore.Http;
using Relay.Core.Upstreams;
using Relay.Core.Upstreams.Balancing;
using Yarp.ReverseProxy.Forwarder;

namespace Relay.Core.Http;

/// <summary>
/// The L7 side of the balancer seam: one pick per request (<see cref="ClusterState.PickOrder"/>,
/// hashing the <c>hash_on</c> header or the client address for ring-hash), and each attempt held
/// as in flight on its endpoint with its time to response headers as the latency sample, as
/// Linkerd's HTTP balancer measures (tower's CompleteOnResponse): a long body or stream is not a slow endpoint.
/// </summary>
internal static class EndpointPick
{
    /// <summary>The ring-hash key of a request: its hash_on header's value, else its client address; null when the service does not hash.</summary>
    public static ulong? HashKey(HttpContext context, ClusterState cluster)
    {
        if (cluster.Service.HashOn is not { } hashOn)
        {
            return null;
        }
        if (hashOn.Header is { } header && context.Request.Headers[header].ToString() is { Length: > 0 } value)
        {
            return RingHashBalancer.Hash(value);
        }
        return context.Connection.RemoteIpAddress is { } address ? RingHashBalancer.Hash(address) : null;
    }

    /// <summary>The attempt's lease and the transformer that times its response headers; (null, inner) without a cluster.</summary>
    public static (EndpointLease? Lease, HttpTransformer Transformer) Begin(ClusterState? cluster, int index, HttpTransformer inner)
    {
        if (cluster is null)
        {
            return (null, inner);
        }
        var lease = cluster.StateOf(index).Begin();
        return (lease, new Timed(inner, lease, Stopwatch.GetTimestamp()));
    }

    /// <summary>
    /// Tells the endpoint's passive health how the attempt went: the upstream's status (5xx
    /// streaks; 502/503/504 are gateway errors too), or a reset or timeout before a response (a
    /// gateway error). Connect and handshake failures were reported where they happened
    /// (ClusterInvokers); a client that went away says nothing about the endpoint.
    /// </summary>
    public static void Report(ClusterState? cluster, int index, HttpContext context, ForwarderError error)
    {
        if (cluster is null || (error != ForwarderError.None && (HttpErrors.IsConnectFailure(context) || HttpErrors.IsRelayRefusal(context))))
        {
            return;
        }
        var outcome = error == ForwarderError.None ? ForStatus(context.Response.StatusCode)
            : HttpErrors.Classify(error, context.GetForwarderErrorFeature()?.Exception) is Vocabulary.CloseReason.ClientReset ? (EndpointOutcome?)null
            : EndpointOutcome.GatewayError;
        if (outcome is { } known)
        {
            cluster.Report(index, known, Environment.TickCount64);
        }
    }

    private static EndpointOutcome ForStatus(int status) => status switch
    {
        StatusCodes.Status502BadGateway or StatusCodes.Status503ServiceUnavailable or StatusCodes.Status504GatewayTimeout => EndpointOutcome.GatewayError,
        >= 500 => EndpointOutcome.ServerError,
        _ => EndpointOutcome.Responded,
    };

    private sealed class Timed(HttpTransformer inner, EndpointLease lease, long started) : HttpTransformer
    {
        public override ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken) =>
            inner.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);

        public override ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
        {
            if (proxyResponse is not null)
            {
                lease.Observe(Stopwatch.GetElapsedTime(started));
            }
            return inner.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        }

        public override ValueTask TransformResponseTrailersAsync(HttpContext httpContext, HttpResponseMessage proxyResponse, CancellationToken cancellationToken) =>
            inner.TransformResponseTrailersAsync(httpContext, proxyResponse, cancellationToken);
    }
}
