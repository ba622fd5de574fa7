using System.Diagnostics;

namespace Relay.Core.Tracing;

/// <summary>
/// Zipkin B3 (https://github.com/openzipkin/b3-propagation): the single header
/// <c>b3: traceid-spanid[-sampled[-parentspanid]]</c> or only a sampling decision (<c>b3: 0</c>,
/// <c>1</c>, <c>d</c>), and the multi-header form <c>X-B3-TraceId</c>, <c>X-B3-SpanId</c>,
/// <c>X-B3-Sampled</c>, <c>X-B3-Flags</c>. Trace ids are 16 or 32 lower-case hex characters (a
/// 64-bit id is left-padded with zeros, as OpenTelemetry does), span ids 16. A decision without
/// ids starts a new trace under that decision. Anything else is ignored.
/// </summary>
internal static class B3TraceContext
{
    public static bool TryParseSingle(string? header, out ActivityContext context)
    {
        context = default;
        if (string.IsNullOrEmpty(header))
        {
            return false;
        }
        var text = header.AsSpan().Trim(' ');
        if (text.Length == 1)
        {
            return TryDecisionOnly(text, out context);
        }
        Span<Range> parts = stackalloc Range[5];
        var count = text.Split(parts, '-');
        if (count is < 2 or > 4)
        {
            return false;
        }
        var sampled = count >= 3 ? Decision(text[parts[2]]) : null;
        if (count >= 3 && sampled is null)
        {
            return false;
        }
        if (count == 4 && !IsSpanId(text[parts[3]]))
        {
            return false;
        }
        return TryIds(text[parts[0]], text[parts[1]], sampled, out context);
    }

    public static bool TryParseMulti(string? traceId, string? spanId, string? sampledHeader, string? flags, out ActivityContext context)
    {
        context = default;
        bool? sampled = flags is "1" ? true : sampledHeader is null ? null : Decision(sampledHeader);
        if (sampledHeader is not null && sampled is null && flags is not "1")
        {
            return false;
        }
        if (traceId is null && spanId is null)
        {
            return sampled is { } decision && TryDecisionOnly(decision ? "1" : "0", out context);
        }
        return traceId is not null && spanId is not null && TryIds(traceId.Trim(' '), spanId.Trim(' '), sampled, out context);
    }

    private static bool TryIds(ReadOnlySpan<char> traceId, ReadOnlySpan<char> spanId, bool? sampled, out ActivityContext context)
    {
        context = default;
        if (traceId.Length is not (16 or 32) || !Hex.IsLower(traceId) || Hex.IsZero(traceId) || !IsSpanId(spanId))
        {
            return false;
        }
        var trace = traceId.Length == 32 ? ActivityTraceId.CreateFromString(traceId) : ActivityTraceId.CreateFromString(string.Concat("0000000000000000", traceId));
        // No decision ("defer"): B3 leaves it to the receiver; parent-based sampling needs one, so
        // an undecided parent counts as sampled (OpenTelemetry's B3 propagator does the same).
        context = new ActivityContext(trace, ActivitySpanId.CreateFromString(spanId),
            sampled ?? true ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None, traceState: null, isRemote: true);
        return true;
    }

    /// <summary>A decision with no ids: a new trace whose remote parent carries only that decision.</summary>
    private static bool TryDecisionOnly(ReadOnlySpan<char> text, out ActivityContext context)
    {
        context = default;
        if (Decision(text) is not { } sampled)
        {
            return false;
        }
        context = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(),
            sampled ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None, traceState: null, isRemote: true);
        return true;
    }

    /// <summary>1, d (debug) and the legacy "true" sample; 0 and "false" do not; anything else is malformed.</summary>
    private static bool? Decision(ReadOnlySpan<char> text) => text switch
    {
        "1" or "d" or "true" => true,
        "0" or "false" => false,
        _ => null,
    };

    private static bool IsSpanId(ReadOnlySpan<char> text) => text.Length == 16 && Hex.IsLower(text) && !Hex.IsZero(text);

    public static string FormatSingle(ActivityContext context) =>
        $"{context.TraceId.ToHexString()}-{context.SpanId.ToHexString()}-{((context.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? "1" : "0")}";
}
