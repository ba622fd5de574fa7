namespace Relay.Core.Tracing;

/// <summary>Which propagation headers a request carried; the forwarded request carries the same (plus W3C).</summary>
internal enum TraceFormat
{
    None,
    W3C,
    B3Single,
    B3Multi,
}
