using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Relay.Core.Tracing;

/// <summary>
/// Reads the trace context a request carries and writes the forwarded request's. W3C first, then
/// B3 single, then B3 multi (the order of OpenTelemetry's composite propagator); a malformed header
/// is ignored and the next format is tried, so a bad header never fails a request.
/// </summary>
internal static class TracePropagation
{
    public static IncomingTrace Extract(IHeaderDictionary headers)
    {
        if (W3CTraceContext.TryParse(One(headers, TraceHeaders.TraceParent), One(headers, TraceHeaders.TraceState), out var w3c))
        {
            // B3 beside it (a previous hop wrote both): keep writing that B3 form for the apps downstream.
            var echo = headers.ContainsKey(TraceHeaders.B3) ? TraceFormat.B3Single
                : headers.ContainsKey(TraceHeaders.B3TraceId) ? TraceFormat.B3Multi
                : TraceFormat.W3C;
            return new(w3c, echo);
        }
        if (B3TraceContext.TryParseSingle(One(headers, TraceHeaders.B3), out var single))
        {
            return new(single, TraceFormat.B3Single);
        }
        return B3TraceContext.TryParseMulti(One(headers, TraceHeaders.B3TraceId), One(headers, TraceHeaders.B3SpanId),
            One(headers, TraceHeaders.B3Sampled), One(headers, TraceHeaders.B3Flags), out var multi)
            ? new(multi, TraceFormat.B3Multi)
            : IncomingTrace.None;
    }

    /// <summary>
    /// Replaces the request's propagation headers with <paramref name="span"/> as the parent:
    /// traceparent (and the caller's tracestate) always, and B3 too when the caller spoke B3, so an
    /// app that only reads B3 still sees its trace.
    /// </summary>
    public static void Inject(IHeaderDictionary headers, ActivityContext span, TraceFormat received)
    {
        foreach (var name in TraceHeaders.All)
        {
            headers.Remove(name);
        }
        headers[TraceHeaders.TraceParent] = W3CTraceContext.Format(span);
        if (span.TraceState is { Length: > 0 } state)
        {
            headers[TraceHeaders.TraceState] = state;
        }
        if (received == TraceFormat.B3Single)
        {
            headers[TraceHeaders.B3] = B3TraceContext.FormatSingle(span);
        }
        else if (received == TraceFormat.B3Multi)
        {
            headers[TraceHeaders.B3TraceId] = span.TraceId.ToHexString();
            headers[TraceHeaders.B3SpanId] = span.SpanId.ToHexString();
            headers[TraceHeaders.B3Sampled] = (span.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? "1" : "0";
        }
    }

    /// <summary>A header given once; repeated or absent is null (two traceparents are invalid per the spec).</summary>
    private static string? One(IHeaderDictionary headers, string name) =>
        headers.TryGetValue(name, out var values) && values.Count == 1 ? values[0] : null;
}
