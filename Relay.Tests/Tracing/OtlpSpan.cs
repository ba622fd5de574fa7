namespace Relay.Tests.Tracing;

/// <summary>One span as an OTLP receiver got it: ids as lower-case hex, attributes as text.</summary>
internal sealed record OtlpSpan(
    string TraceId, string SpanId, string ParentSpanId, string Name, int Kind, string Scope, string ServiceName,
    IReadOnlyDictionary<string, string> Attributes, int StatusCode)
{
    public const int KindServer = 2;
    public const int KindClient = 3;

    /// <summary>OTLP status codes: 0 unset, 1 ok, 2 error.</summary>
    public const int StatusError = 2;

    public string? Attribute(string key) => Attributes.TryGetValue(key, out var value) ? value : null;
}
