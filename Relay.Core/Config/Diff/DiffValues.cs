using System.Collections.Immutable;
using System.Globalization;

namespace Relay.Core.Config.Diff;

/// <summary>Values as the diff prints them: close to how mesh.yaml spells them, and stable (sorted where order has no meaning).</summary>
internal static class DiffValues
{
    public static string Duration(TimeSpan value) => value switch
    {
        { Ticks: 0 } => "0s",
        _ when value.Ticks % TimeSpan.TicksPerHour == 0 => Invariant($"{(long)value.TotalHours}h"),
        _ when value.Ticks % TimeSpan.TicksPerMinute == 0 => Invariant($"{(long)value.TotalMinutes}m"),
        _ when value.Ticks % TimeSpan.TicksPerSecond == 0 => Invariant($"{(long)value.TotalSeconds}s"),
        _ => Invariant($"{value.TotalMilliseconds}ms"),
    };

    public static string Duration(TimeSpan? value) => value is { } v ? Duration(v) : "none";

    public static string Labels(IReadOnlyDictionary<string, string> labels) =>
        "{" + string.Join(", ", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")) + "}";

    /// <summary>A list whose order has meaning (endpoints, addresses as written).</summary>
    public static string List<T>(IEnumerable<T> items) => "[" + string.Join(", ", items.Select(i => Invariant($"{i}"))) + "]";

    /// <summary>A set: sorted, so the same members in another order are no change.</summary>
    public static string Set<T>(IEnumerable<T> items) => "[" + string.Join(", ", items.Select(i => Invariant($"{i}")).Order(StringComparer.Ordinal)) + "]";

    public static string Word<TEnum>(TEnum value)
        where TEnum : struct, Enum => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());

    public static string Bool(bool value) => value ? "true" : "false";

    public static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    public static string Match(RouteMatch match)
    {
        var parts = new List<string>();
        if (match.Path is { } path)
        {
            parts.Add($"path {Word(path.Kind)} {path.Value}");
        }
        if (match.Method is { } method)
        {
            parts.Add($"method {method}");
        }
        parts.AddRange(match.Headers.Select(h => $"header {Value(h)}"));
        parts.AddRange(match.Query.Select(q => $"query {Value(q)}"));
        return parts.Count == 0 ? "{}" : "{" + string.Join(", ", parts) + "}";
    }

    public static string Matches(ImmutableArray<RouteMatch> matches) => matches.IsDefaultOrEmpty ? "[] (all)" : List(matches.Select(Match));

    public static string Hash(RouteHash? hash) => hash switch
    {
        null => "none",
        { Header: { } header } => $"header {header}",
        _ => "client_address",
    };

    public static string Guard(RouteGuard? guard) => guard is null
        ? "none"
        : Invariant($"min_success_rate {Number(guard.MinSuccessRate)}, min_requests {guard.MinRequests}, window {Duration(guard.Window)}");

    public static string Fault(FaultPolicy? fault) => fault is null
        ? "none"
        : string.Join(", ", new[]
        {
            fault.Delay is { } d ? $"delay {Duration(d)} {Number(fault.DelayPercent)}%" : null,
            fault.AbortStatus is { } s ? Invariant($"abort status {s} {Number(fault.AbortPercent)}%") : null,
            fault.AbortGrpc is { } g ? Invariant($"abort grpc {g} {Number(fault.AbortPercent)}%") : null,
            fault.Header is { } h ? $"header {h}" : null,
        }.OfType<string>());

    public static string Retries(RetryPolicy? retries) => retries is null
        ? "none"
        : Invariant($"attempts {retries.Attempts}, on {List(RetryCompiler.Conditions.Where(c => retries.On.HasFlag(c.Value)).Select(c => c.Key))}, codes {Set(retries.Codes)}, grpc {Set(retries.GrpcStatuses)}, backoff {Duration(retries.BackoffBase)}..{Duration(retries.BackoffMax)}, budget {Number(retries.Budget.Ratio)}/{retries.Budget.MinPerSecond} per s/{Duration(retries.Budget.Ttl)}");

    private static string Value(ValueMatch m) => m.Kind == ValueMatchKind.Present ? $"{m.Name} present" : $"{m.Name} {Word(m.Kind)} {m.Value}";
}
