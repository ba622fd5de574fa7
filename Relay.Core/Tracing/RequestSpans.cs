using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Relay.Core.Vocabulary;

namespace Relay.Core.Tracing;

/// <summary>
/// The two spans of one forwarded request: a server span from the request's arrival to its
/// response (child of the caller's context), and a client span per attempt to an upstream (child
/// of the server span), whose context the forwarded request carries. Attribute names follow
/// OpenTelemetry's HTTP semantic conventions where one exists, <c>relay.*</c> otherwise. Tags are
/// only set on sampled spans (<see cref="Activity.IsAllDataRequested"/>), so an unsampled request
/// pays for ids and headers only.
/// </summary>
internal static class RequestSpans
{
    // Constant start names: the low-cardinality display name is set only once a span is sampled.
    private const string ServerStart = "relay.server";
    private const string ClientStart = "relay.client";

    public static Activity? StartServer(RelayTracing? tracing, in IncomingTrace incoming, HttpContext context, Direction direction, string service, string? peer, string? route)
    {
        var span = tracing?.Source.StartActivity(ServerStart, ActivityKind.Server, incoming.Parent);
        if (span is { IsAllDataRequested: true })
        {
            var request = context.Request;
            span.DisplayName = $"{direction.Label()} {request.Method} {service}";
            span.SetTag("relay.direction", direction.Label());
            span.SetTag("relay.service", service);
            span.SetTag("http.request.method", request.Method);
            span.SetTag("url.path", request.Path.Value);
            span.SetTag("server.address", request.Host.Value);
            span.SetTag("network.protocol.name", "http");
            span.SetTag("network.protocol.version", request.Protocol);
            span.SetTag("relay.peer_identity", peer);
            span.SetTag("http.route", route);
        }
        return span;
    }

    /// <summary>
    /// A client span for one attempt; the request's propagation headers now name it as the parent.
    /// With no server span (tracing off, or the sampler dropped it: the SDK then creates none), the
    /// caller's headers pass unchanged, except that a new trace Relay decided not to sample gets a
    /// not-sampled <c>traceparent</c>, so the Relays behind follow that decision instead of
    /// sampling parts of it on their own.
    /// </summary>
    public static Activity? StartClient(RelayTracing? tracing, Activity? server, HttpContext context, TraceFormat received, string service, int attempt, bool callerHasContext)
    {
        if (server is null)
        {
            if (tracing is not null && !callerHasContext && attempt == 0)
            {
                TracePropagation.Inject(context.Request.Headers,
                    new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None), received);
            }
            return null;
        }
        var span = tracing!.Source.StartActivity(ClientStart, ActivityKind.Client, server.Context);
        if (span is null)
        {
            // An unsampled server span whose child the sampler dropped: propagate the server span.
            TracePropagation.Inject(context.Request.Headers, server.Context, received);
            return null;
        }
        if (span.IsAllDataRequested)
        {
            span.DisplayName = $"{context.Request.Method} {service}";
            span.SetTag("relay.service", service);
            span.SetTag("http.request.method", context.Request.Method);
            span.SetTag("relay.retry_attempt", attempt);
        }
        TracePropagation.Inject(context.Request.Headers, span.Context, received);
        return span;
    }

    public static void EndClient(Activity? span, string endpoint, int status, CloseReason? failure)
    {
        if (span is null)
        {
            return;
        }
        if (span.IsAllDataRequested)
        {
            span.SetTag("relay.endpoint", endpoint);
            End(span, status, failure?.Label());
        }
        span.Dispose();
    }

    public static void EndServer(Activity? span, int status, string? error, string? endpoint)
    {
        if (span is null)
        {
            return;
        }
        if (span.IsAllDataRequested)
        {
            span.SetTag("relay.endpoint", endpoint);
            End(span, status, error);
        }
        span.Dispose();
    }

    private static void End(Activity span, int status, string? error)
    {
        span.SetTag("http.response.status_code", status);
        if (error is not null)
        {
            span.SetTag("relay.error", error);
            span.SetTag("error.type", error);
        }
        // Semconv: 5xx is an error on both sides; a client span also for 4xx is left to the app.
        if (error is not null || status >= 500)
        {
            span.SetStatus(ActivityStatusCode.Error, error);
        }
    }
}
