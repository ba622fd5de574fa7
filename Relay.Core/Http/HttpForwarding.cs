using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Relay.Core.Config;
using Relay.Core.Connections;
using Relay.Core.Vocabulary;
using Yarp.ReverseProxy.Forwarder;

namespace Relay.Core.Http;

/// <summary>
/// Kestrel's application: every request Kestrel parsed is routed under the current config
/// (<see cref="RequestTarget"/>), sent to the endpoint the balancer picks with YARP's
/// <see cref="IHttpForwarder"/> (hop-by-hop headers, Upgrade/WebSocket, 100-continue, trailers,
/// cancellation) through the upstream's invoker, and recorded once.
/// </summary>
internal sealed class HttpForwarding(IHttpForwarder forwarder, ClusterInvokers invokers, RequestRecorder recorder, ActiveConfigHolder config)
    : IHttpApplication<HttpContext>
{
    public const string RequestIdHeader = "x-request-id";

    public HttpContext CreateContext(IFeatureCollection contextFeatures) => new DefaultHttpContext(contextFeatures);

    public void DisposeContext(HttpContext context, Exception? exception)
    {
    }

    public async Task ProcessRequestAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var relay = context.Features.Get<RelayConnectionFeature>()!;
        var requestId = EnsureRequestId(context.Request.Headers);
        var http11Behind = OriginalProtocol.Take(context.Request.Headers, relay.FromPeerRelay);
        var requestBody = new CountingStream(context.Request.Body);
        var responseBody = new CountingStream(context.Response.Body);
        context.Request.Body = requestBody;
        context.Response.Body = responseBody;
        var active = config.Current;
        var route = RequestTarget.Resolve(relay, active);
        if (route.Target?.InboundPort is { } port && !active.RateLimits.TryRequest(port.Port, out var retryAfter))
        {
            // rate_limit: 429 and when a token is due, in whole seconds (RFC 9110 Retry-After), at least 1.
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            route = route with { Spec = null, Refusal = CloseReason.RateLimited, Status = StatusCodes.Status429TooManyRequests };
        }
        // Content-Length with Transfer-Encoding: 400 + close, never forwarded (RequestFraming).
        var framing = RequestFraming.Refuse(context);
        var (failure, endpoint) = framing is not null ? (framing, "-")
            : route.Spec is { } spec
            ? await ForwardAsync(context, relay, spec, route.Target!, http11Behind, requestBody).ConfigureAwait(false)
            : (route.Refusal, "-");
        if (framing is null && route.Spec is null)
        {
            HttpErrors.Refuse(context, route.Refusal, route.Status);
        }
        relay.LastFailure = failure ?? relay.LastFailure;
        StreamResetBudget.Record(context, started);
        recorder.Completed(new RequestRecord(
            relay.Direction, route.Target?.ServiceName ?? relay.Target.ServiceName ?? "-", context.Request.Method, context.Request.Host.Value ?? "-",
            context.Request.Path.Value ?? "/", context.Request.Protocol, context.Response.StatusCode, started,
            requestBody.BytesRead, responseBody.BytesWritten, relay.Peer?.Peer.ToString(), requestId, failure?.Label(), endpoint));
    }

    /// <summary>
    /// Sends the request to the endpoint the balancer picks. When no connection to it could be
    /// made (connect or mesh handshake failed: nothing of the request was sent), the next endpoint
    /// in the pick order gets it, as an L4 connection fails over; anything later is answered.
    /// </summary>
    private async Task<(CloseReason? Failure, string Endpoint)> ForwardAsync(
        HttpContext context, RelayConnectionFeature relay, InvokerSpec spec, UpstreamTarget target, bool http11Behind, CountingStream requestBody)
    {
        if (spec.Cluster is not { } cluster)
        {
            return await ForwardAdmittedAsync(context, relay, spec, target, http11Behind, requestBody).ConfigureAwait(false);
        }
        // circuit_breakers: max_requests in flight, then max_pending_requests waiting at most the
        // connect timeout (Envoy's pending requests wait for a connection as long); past that, 503.
        using var slot = await cluster.Breakers.EnterRequestAsync(spec.ConnectTimeout, context.RequestAborted).ConfigureAwait(false);
        if (!slot.IsAcquired)
        {
            HttpErrors.Refuse(context, CloseReason.UpstreamOverflowRequests);
            return (CloseReason.UpstreamOverflowRequests, "-");
        }
        return await ForwardAdmittedAsync(context, relay, spec, target, http11Behind, requestBody).ConfigureAwait(false);
    }

    private async Task<(CloseReason? Failure, string Endpoint)> ForwardAdmittedAsync(
        HttpContext context, RelayConnectionFeature relay, InvokerSpec spec, UpstreamTarget target, bool http11Behind, CountingStream requestBody)
    {
        var invoker = invokers.Enter(spec);
        try
        {
            var order = EndpointPick.Order(context, spec.Cluster);
            var requestConfig = RequestConfig(relay, spec, target, http11Behind);
            var transformer = spec.Kind == InvokerKind.Mesh && !ProtocolIs2(context) ? OriginalProtocol.MarkHttp11 : HttpTransformer.Empty;
            // A failover attempt holds one of circuit_breakers.max_retries until it ends.
            var retrying = false;
            for (var attempt = 0; ; attempt++)
            {
                var index = order[attempt];
                var (lease, timed) = EndpointPick.Begin(spec.Cluster, index, transformer);
                ForwarderError error;
                using (lease)
                {
                    error = await forwarder.SendAsync(context, invoker.Prefixes[index], invoker.Client, requestConfig, timed).ConfigureAwait(false);
                }
                EndpointPick.Report(spec.Cluster, index, context, error);
                if (retrying)
                {
                    spec.Cluster!.Breakers.EndRetry();
                    retrying = false;
                }
                var endpoint = invoker.Endpoints[index].ToString();
                if (error == ForwarderError.None)
                {
                    return (null, endpoint);
                }
                var reason = HttpErrors.Classify(error, context.GetForwarderErrorFeature()?.Exception);
                if (attempt + 1 < order.Length && NothingSent(context, requestBody) && HttpErrors.IsConnectFailure(context)
                    && (spec.Cluster is null || (retrying = spec.Cluster.Breakers.TryRetry())))
                {
                    // YARP set its own status and error feature; clear both for the next attempt.
                    context.Response.StatusCode = StatusCodes.Status200OK;
                    context.Features.Set<IForwarderErrorFeature>(null);
                    continue;
                }
                HttpErrors.Refuse(context, reason);
                return (reason, endpoint);
            }
        }
        finally
        {
            invoker.Exit();
        }
    }

    private static bool NothingSent(HttpContext context, CountingStream requestBody) => requestBody.BytesRead == 0 && !context.Response.HasStarted;

    private static bool ProtocolIs2(HttpContext context) => HttpProtocol.IsHttp2(context.Request.Protocol);

    /// <summary>
    /// The upstream's HTTP version. To a peer Relay: HTTP/2 always (relay/h2). To an app: the
    /// client's own version (Exact: never a silent downgrade), where an inbound port's
    /// <c>protocol: http</c> or <c>http2</c>/<c>grpc</c> fixes it, and a request from a peer Relay
    /// travels in the version its original client spoke. The activity timeout (no bytes either
    /// way) is the target's idle timeout, as for an L4 connection.
    /// </summary>
    private static ForwarderRequestConfig RequestConfig(RelayConnectionFeature relay, InvokerSpec spec, UpstreamTarget target, bool http11Behind)
    {
        var http2 = spec.Kind == InvokerKind.Mesh || target.InboundPort?.Protocol switch
        {
            AppProtocol.Http => false,
            AppProtocol.Http2 or AppProtocol.Grpc => true,
            _ => relay.Protocol == ProxyProtocol.Http2 && !http11Behind,
        };
        return new()
        {
            Version = http2 ? HttpVersion.Version20 : HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            ActivityTimeout = target.IdleTimeout,
        };
    }

    /// <summary>Keeps the caller's x-request-id; generates one (a UUID, like Envoy's) when absent.</summary>
    private static string EnsureRequestId(IHeaderDictionary headers)
    {
        var existing = headers[RequestIdHeader].ToString();
        if (existing.Length > 0)
        {
            return existing;
        }
        var generated = Guid.NewGuid().ToString();
        headers[RequestIdHeader] = generated;
        return generated;
    }
}
