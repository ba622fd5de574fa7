using System.Diagnostics;

namespace Relay.Core.Tracing;

/// <summary>
/// The trace context a request arrived with: the remote parent (default when none, or when its
/// headers were malformed and so ignored) and the format to write downstream besides W3C: the B3
/// form the request carried, if any (a Relay writes both, so B3 survives every hop).
/// </summary>
internal readonly record struct IncomingTrace(ActivityContext Parent, TraceFormat Format)
{
    public static readonly IncomingTrace None = new(default, TraceFormat.None);

    public bool HasParent => Parent.TraceId != default;
}
