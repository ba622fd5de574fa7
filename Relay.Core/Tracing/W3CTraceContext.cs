using System.Diagnostics;

namespace Relay.Core.Tracing;

/// <summary>
/// W3C Trace Context (https://www.w3.org/TR/trace-context/): <c>traceparent</c> is
/// <c>version-traceid-parentid-flags</c>, 55 characters for version 00. A higher version may
/// append fields after a dash (parsed as 00, as the spec asks); version ff, upper-case hex,
/// all-zero ids or a wrong length make the header invalid, and it is ignored.
/// </summary>
internal static class W3CTraceContext
{
    private const int Length = 55;

    // The spec's floor for propagating tracestate is 512 characters; longer ones may be dropped,
    // and a header Relay cannot vouch for is better dropped than forwarded half-cut.
    private const int MaxTraceState = 512;

    public static bool TryParse(string? traceParent, string? traceState, out ActivityContext context)
    {
        context = default;
        if (traceParent is null || traceParent.Length < Length)
        {
            return false;
        }
        var text = traceParent.AsSpan().Trim(' ');
        if (text.Length < Length || text[2] != '-' || text[35] != '-' || text[52] != '-')
        {
            return false;
        }
        var version = text[..2];
        if (!Hex.IsLower(version) || version is "ff" || (version is "00" ? text.Length != Length : text.Length > Length && text[Length] != '-'))
        {
            return false;
        }
        var traceId = text.Slice(3, 32);
        var spanId = text.Slice(36, 16);
        var flags = text.Slice(53, 2);
        if (!Hex.IsLower(traceId) || !Hex.IsLower(spanId) || !Hex.IsLower(flags) || Hex.IsZero(traceId) || Hex.IsZero(spanId))
        {
            return false;
        }
        var sampled = (Convert.ToByte(flags.ToString(), 16) & 1) != 0;
        context = new ActivityContext(
            ActivityTraceId.CreateFromString(traceId), ActivitySpanId.CreateFromString(spanId),
            sampled ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None, ValidTraceState(traceState), isRemote: true);
        return true;
    }

    /// <summary>The tracestate to keep: printable ASCII within the length floor, else none.</summary>
    public static string? ValidTraceState(string? traceState) =>
        traceState is { Length: > 0 and <= MaxTraceState } && !traceState.AsSpan().ContainsAnyExceptInRange((char)0x20, (char)0x7e)
            ? traceState
            : null;

    public static string Format(ActivityContext context) =>
        $"00-{context.TraceId.ToHexString()}-{context.SpanId.ToHexString()}-{((context.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? "01" : "00")}";
}
