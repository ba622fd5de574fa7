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
    public static int[] Order(HttpContext context, ClusterState? cluster)
    {
        if (cluster is null)
        {
            return [0];
        }
        return cluster.PickOrder(PickContext.Now(HashKey(context, cluster)));
    }

    private static ulong? HashKey(HttpContext context, ClusterState cluster)
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
