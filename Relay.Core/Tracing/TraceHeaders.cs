namespace Relay.Core.Tracing;

/// <summary>Propagation header names: W3C Trace Context and Zipkin B3 (single and multi), lower case as HTTP/2 sends them.</summary>
internal static class TraceHeaders
{
    public const string TraceParent = "traceparent";
    public const string TraceState = "tracestate";
    public const string B3 = "b3";
    public const string B3TraceId = "x-b3-traceid";
    public const string B3SpanId = "x-b3-spanid";
    public const string B3ParentSpanId = "x-b3-parentspanid";
    public const string B3Sampled = "x-b3-sampled";
    public const string B3Flags = "x-b3-flags";

    /// <summary>Every header a forwarded request's propagation replaces.</summary>
    public static readonly string[] All = [TraceParent, TraceState, B3, B3TraceId, B3SpanId, B3ParentSpanId, B3Sampled, B3Flags];
}
