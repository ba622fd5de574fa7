using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Relay.Core.Config;
using Relay.Core.Connections;
using Relay.Core.Tracing;
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

    private readonly RetryBudgets _budgets = new();
    private readonly RequestMirror _mirror = new(invokers, recorder.Routes);

    /// <summary>After a config swap: drops the retry budgets of routes the new config no longer has.</summary>
    public void Retain(ConfigSnapshot snapshot) => _budgets.Retain(snapshot);

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
        var route = RequestTarget.Resolve(relay, active, context);
        if (route.Target?.InboundPort is { } port && !active.RateLimits.TryRequest(port.Port, out var retryAfter))
        {
            route = route with { Spec = null, Refusal = CloseReason.RateLimited, Status = StatusCodes.Status429TooManyRequests, RetryAfter = retryAfter };
        }
        if (route.RetryAfter is { } after)
        {
            // rate_limit (port or route): 429 and when a token is due, in whole seconds (RFC 9110 Retry-After), at least 1.
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }
        var service = route.Target?.ServiceName ?? relay.Target.ServiceName ?? "-";
        var peer = relay.Peer?.Peer.ToString();
        // Read even with tracing off: the access log carries the caller's trace id.
        var incoming = TracePropagation.Extract(context.Request.Headers);
        // One tracing generation for the whole request, even if a reload swaps it meanwhile.
        using var tracing = recorder.EnterTracing();
        using var server = RequestSpans.StartServer(tracing.Tracing, incoming, context, relay.Direction, service, peer, route.Route?.Name);
        // Content-Length with Transfer-Encoding: 400 + close, never forwarded (RequestFraming).
        var framing = RequestFraming.Refuse(context);
        var (failure, endpoint) = framing is not null ? (framing, "-")
            : route.Spec is not null
            ? await ForwardAsync(context, relay, route, active, http11Behind, requestBody, new(tracing.Tracing, server, incoming.Format, service, incoming.HasParent)).ConfigureAwait(false)
            : (route.Refusal, "-");
        if (framing is null && route.Spec is null)
        {
            HttpErrors.Refuse(context, route.Refusal, route.Status);
        }
        if (framing is null && route is { Spec: not null, Route.Guard: not null })
        {
            Judge(active, route, failure, context.Response.StatusCode);
        }
        relay.LastFailure = failure ?? relay.LastFailure;
        StreamResetBudget.Record(context, started);
        RequestSpans.EndServer(server, context.Response.StatusCode, failure?.Label(), endpoint);
        recorder.Completed(new RequestRecord(
            relay.Direction, service, context.Request.Method, context.Request.Host.Value ?? "-",
            context.Request.Path.Value ?? "/", context.Request.Protocol, context.Response.StatusCode, started,
            requestBody.BytesRead, responseBody.BytesWritten, peer, requestId, failure?.Label(), endpoint)
        {
            TraceId = server?.TraceId.ToHexString() ?? (incoming.HasParent ? incoming.Parent.TraceId.ToHexString() : null),
            SpanId = server?.SpanId.ToHexString(),
            Route = route.Route?.Name,
            Locality = route.Spec?.Cluster?.LocalityOf(endpoint),
        });
    }

    /// <summary>
    /// Sends the request to the endpoint the balancer picks. When no connection to it could be
    /// made (connect or mesh handshake failed: nothing of the request was sent), the next endpoint
    /// in the pick order gets it, as an L4 connection fails over. On a route with retries a failed
    /// attempt may go again, to the next endpoint in the order (never the one that just failed
    /// when another exists), after a back-off (<see cref="RouteAttempts"/>); anything else is answered.
    /// </summary>
    private async ValueTask<(CloseReason? Failure, string Endpoint)> ForwardAsync(
        HttpContext context, RelayConnectionFeature relay, RequestTarget route, ActiveConfig active, bool http11Behind, CountingStream requestBody, SpanParent trace)
    {
        // circuit_breakers: max_requests in flight, then max_pending_requests waiting at most the
        // connect timeout (Envoy's pending requests wait for a connection as long); past that, 503.
        // In this method rather than one around it: each async level is one more box per request.
        using var slot = route.Spec!.Cluster is { } cluster
            ? await cluster.Breakers.EnterRequestAsync(route.Spec.ConnectTimeout, context.RequestAborted).ConfigureAwait(false)
            : null;
        if (slot is { IsAcquired: false })
        {
            HttpErrors.Refuse(context, CloseReason.UpstreamOverflowRequests);
            return (CloseReason.UpstreamOverflowRequests, "-");
        }
        var (spec, target) = (route.Spec!, route.Target!);
        if (await FaultInjector.AbortedAsync(route.Route?.Fault, context).ConfigureAwait(false))
        {
            return (CloseReason.FaultInjected, "-");
        }
        var (kept, clientFailed) = await KeepBodyAsync(context, route.Route).ConfigureAwait(false);
        if (clientFailed)
        {
            HttpErrors.Refuse(context, CloseReason.ClientReset);
            return (CloseReason.ClientReset, "-");
        }
        if (route.Route?.Mirror is { } mirror)
        {
            _mirror.Send(context, mirror, active, route.RoutedBy!, kept);
        }
        var invoker = invokers.Enter(spec);
        using var attempts = RouteAttempts.For(route.Route, context, _budgets, recorder.Routes, target.ServiceName ?? spec.ServiceName, kept is not null);
        try
        {
            var order = target.Cluster is not null ? target.PickOrder(EndpointPick.HashKey(context, target.Cluster)) : [0];
            if (order.Length == 0)
            {
                // A dns:/srv: service before its first resolved answer has no endpoint to try.
                HttpErrors.Refuse(context, CloseReason.NoHealthyEndpoint);
                return (CloseReason.NoHealthyEndpoint, "-");
            }
            var requestConfig = RequestConfig(relay, spec, target, http11Behind, route.Route?.Timeouts?.Idle);
            var transformer = spec.Kind == InvokerKind.Mesh && !ProtocolIs2(context) ? OriginalProtocol.MarkHttp11 : VerbatimTarget.Transformer.Instance;
            var attemptTransformer = attempts is null ? transformer : new AttemptTransformer(transformer, attempts, spec.Cluster?.Breakers);
            // A failover or retry after an error holds one of circuit_breakers.max_retries until it ends.
            var retrying = false;
            for (var attempt = 0; ; attempt++)
            {
                var index = order[attempt % order.Length];
                var token = attempts?.StartAttempt() ?? CancellationToken.None;
                var span = RequestSpans.StartClient(trace.Tracing, trace.Server, context, trace.Format, trace.Service, attempt, trace.CallerHasContext);
                var (lease, timed) = EndpointPick.Begin(spec.Cluster, index, attemptTransformer);
                ForwarderError error;
                using (lease)
                {
                    error = await forwarder.SendAsync(context, invoker.Prefixes[index], invoker.Client, requestConfig, timed, token).ConfigureAwait(false);
                }
                EndpointPick.Report(spec.Cluster, index, context, error);
                if (retrying)
                {
                    spec.Cluster!.Breakers.EndRetry();
                    retrying = false;
                }
                var endpoint = invoker.EndpointLabels[index];
                RequestSpans.EndClient(span, endpoint, context.Response.StatusCode,
                    error == ForwarderError.None ? null : attempts?.TimeoutOf(context) ?? HttpErrors.Classify(error, context.GetForwarderErrorFeature()?.Exception));
                if (error == ForwarderError.None && attempts is not { RetryWanted: true })
                {
                    return (null, endpoint);
                }
                // A held-back response took its max_retries slot already (AttemptTransformer); it ends after the retry.
                retrying = error == ForwarderError.None && attempts!.HoldsRetrySlot;
                var next = error == ForwarderError.None ? NextAttempt.Retry : Next(context, error, attempts, attempt, order.Length, requestBody, kept is not null);
                if (next != NextAttempt.None && error != ForwarderError.None && spec.Cluster is { } breakers && !(retrying = breakers.Breakers.TryRetry()))
                {
                    // max_retries in progress: this request fails with the error it has.
                    next = NextAttempt.None;
                }
                if (next != NextAttempt.None)
                {
                    ClearAttempt(context);
                    if (next == NextAttempt.Retry)
                    {
                        await attempts!.BackoffAsync().ConfigureAwait(false);
                    }
                    continue;
                }
                var reason = attempts?.TimeoutOf(context) ?? HttpErrors.Classify(error, context.GetForwarderErrorFeature()?.Exception);
                HttpErrors.Refuse(context, reason);
                return (reason, endpoint);
            }
        }
        finally
        {
            invoker.Exit();
        }
    }

    /// <summary>
    /// Gives a guarded route's backend its answer: a success unless 5xx or no answer from the
    /// backend (Flagger's request-success-rate). A client that left, a fault Relay injected and a
    /// circuit breaker's refusal say nothing about the backend and are not counted.
    /// </summary>
    private static void Judge(ActiveConfig active, RequestTarget route, CloseReason? failure, int status)
    {
        if (failure is CloseReason.ClientReset or CloseReason.FaultInjected or CloseReason.UpstreamOverflowRequests)
        {
            return;
        }
        active.Guards.Record(route.RoutedBy!, route.Route!, route.Backend, failure is null && status < 500);
    }

    /// <summary>What a client span needs from the request's server span.</summary>
    private readonly record struct SpanParent(RelayTracing? Tracing, System.Diagnostics.Activity? Server, TraceFormat Format, string Service, bool CallerHasContext);

    private enum NextAttempt
    {
        None,

        /// <summary>Nothing was sent and another endpoint is left: at once, free (as an L4 connection fails over).</summary>
        Failover,

        /// <summary>The route's policy and budget allow another attempt: after a back-off.</summary>
        Retry,
    }

    /// <summary>Whether a failed attempt (no response) goes again, and how.</summary>
    private static NextAttempt Next(HttpContext context, ForwarderError error, RouteAttempts? attempts, int attempt, int endpoints, CountingStream requestBody, bool bodyKept)
    {
        // A kept body can be sent again from its start, so a failed connect fails over even after it was read.
        var connectFailure = (bodyKept || NothingSent(context, requestBody)) && HttpErrors.IsConnectFailure(context);
        if (connectFailure && attempt + 1 < endpoints)
        {
            return NextAttempt.Failover;
        }
        if (attempts is not { CanRetry: true } || context.Response.HasStarted || context.RequestAborted.IsCancellationRequested)
        {
            return NextAttempt.None;
        }
        var reason = attempts.TimeoutOf(context) ?? HttpErrors.Classify(error, context.GetForwarderErrorFeature()?.Exception);
        return reason != CloseReason.RouteTimeout && attempts.RetriesFailure(reason, connectFailure) ? NextAttempt.Retry : NextAttempt.None;
    }

    /// <summary>YARP set its own status and error feature (and maybe the held-back response's status); clear them for the next attempt.</summary>
    private static void ClearAttempt(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.Headers.Clear();
        context.Features.Set<IForwarderErrorFeature>(null);
        RequestBodyBuffer.Rewind(context);
    }

    /// <summary>
    /// On a route that retries or mirrors, a body of declared length up to the buffer limit is read
    /// into memory first (RequestBodyBuffer); anything else streams. True when the client broke
    /// off or sent less than it declared while the body was read.
    /// </summary>
    private static ValueTask<(byte[]? Kept, bool ClientFailed)> KeepBodyAsync(HttpContext context, RouteSnapshot? route) =>
        route is null || (route.Retries is null && route.Mirror is null) ? ValueTask.FromResult<(byte[]?, bool)>((null, false)) : ReadBodyAsync(context);

    private static async ValueTask<(byte[]? Kept, bool ClientFailed)> ReadBodyAsync(HttpContext context)
    {
        try
        {
            return (await RequestBodyBuffer.TryKeepAsync(context, context.RequestAborted).ConfigureAwait(false), false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or BadHttpRequestException)
        {
            return (null, true);
        }
    }

    private static bool NothingSent(HttpContext context, CountingStream requestBody) => requestBody.BytesRead == 0 && !context.Response.HasStarted;

    private static bool ProtocolIs2(HttpContext context) => HttpProtocol.IsHttp2(context.Request.Protocol);

    /// <summary>
    /// The upstream's HTTP version. To a peer Relay: HTTP/2 always (relay/h2). To an app: the
    /// client's own version (Exact: never a silent downgrade), where an inbound port's
    /// <c>protocol: http</c> or <c>http2</c>/<c>grpc</c> fixes it, and a request from a peer Relay
    /// travels in the version its original client spoke. The activity timeout (no bytes either
    /// way) is the route's <c>timeouts.idle</c>, else the target's idle timeout, as for an L4 connection.
    /// </summary>
    private static ForwarderRequestConfig RequestConfig(RelayConnectionFeature relay, InvokerSpec spec, UpstreamTarget target, bool http11Behind, TimeSpan? routeIdle)
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
            ActivityTimeout = routeIdle ?? target.IdleTimeout,
        };
    }

    /// <summary>Keeps the caller's x-request-id; generates one (a random UUID, like Envoy's: <see cref="RequestIds"/>) when absent.</summary>
    private static string EnsureRequestId(IHeaderDictionary headers)
    {
        var existing = headers[RequestIdHeader].ToString();
        if (existing.Length > 0)
        {
            return existing;
        }
        var generated = RequestIds.Next();
        headers[RequestIdHeader] = generated;
        return generated;
    }
}
