using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Relay.Core.Observability;
using Relay.Core.Tracing;
using Relay.Core.Vocabulary;

namespace Relay.Core.Http;

/// <summary>
/// The per-request record beside the per-connection one: one access-log event (text, or JSON
/// with --log-json, from the same template) and the request metrics, once per request.
/// </summary>
internal sealed partial class RequestRecorder(ILogger logger, RelayMetrics metrics, TracingState? tracing = null, TrafficStats? stats = null)
{
    /// <summary>Spans for the requests recorded here, as the running config asks; null only in tests without a runtime.</summary>
    public TracingState? Tracing => tracing;

    /// <summary>The tracing generation for a request arriving now (none when tracing is off).</summary>
    public TracingLease EnterTracing() => tracing?.Enter() ?? default;

    /// <summary>Attempts, retries and retry-budget refusals of routed requests.</summary>
    public RouteMetrics Routes { get; } = new(metrics.Meter);

    public void Completed(RequestRecord request)
    {
        var duration = Stopwatch.GetElapsedTime(request.StartedAt);
        metrics.RequestCompleted(request.Direction, request.Service, request.Status, duration, request.Route, request.Locality);
        stats?.Request(request.Direction, request.Service, request.Peer, request.Method, request.Path, request.Status, duration, request.Route);
        if (request.Error is { } reason)
        {
            metrics.RequestFailed(request.Direction, request.Service, reason);
        }
        LogRequest(logger, request.Direction.Label(), request.Service, request.Method, request.Authority, request.Path,
            request.Protocol, request.Status, (long)duration.TotalMilliseconds, request.BytesToUpstream, request.BytesToClient,
            request.Endpoint, request.Peer ?? "-", request.RequestId, request.Error ?? "-", request.TraceId ?? "-", request.SpanId ?? "-");
    }

    [LoggerMessage(EventId = 3, Level = LogLevel.Information,
        Message = "request direction={Direction} service={Service} method={Method} authority={Authority} path={Path} protocol={Protocol} status={Status} duration_ms={DurationMs} up={BytesToUpstream} down={BytesToClient} endpoint={Endpoint} peer={PeerIdentity} request_id={RequestId} error={Error} trace_id={TraceId} span_id={SpanId}")]
    private static partial void LogRequest(ILogger logger, string direction, string service, string method, string authority, string path,
        string protocol, int status, long durationMs, long bytesToUpstream, long bytesToClient, string endpoint, string peerIdentity, string requestId, string error, string traceId, string spanId);
}
