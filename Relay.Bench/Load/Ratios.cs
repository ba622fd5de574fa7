namespace Relay.Bench.Load;

/// <summary>Which targets are compared with which: each proxy with direct, and Relay with HAProxy on the same path.</summary>
internal static class Ratios
{
    public const string Direct = "direct";

    public static readonly (string Relay, string Haproxy)[] Pairs = [("relay-l4", "haproxy-l4"), ("relay-mtls", "haproxy-mtls"),
        ("relay-http", "haproxy-http"), ("relay-http-mtls", "haproxy-http-mtls")];

    public static double? Of(double? numerator, double? denominator) =>
        numerator is { } n && denominator is { } d && d > 0 ? n / d : null;

    public static string Format(double? ratio) => ratio is { } r ? $"{r:F2}×" : "–";
}
