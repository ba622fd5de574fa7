using Relay.Core.Vocabulary;

namespace Relay.Core.Observability;

/// <summary>
/// Pre-built tag pairs per enum value, so recording a measurement boxes nothing and builds no
/// strings: a <see cref="System.Diagnostics.TagList"/> of these stays on the stack.
/// </summary>
internal static class MetricTags
{
    private static readonly KeyValuePair<string, object?>[] Directions = Enum.GetValues<Direction>()
        .Select(d => Tag(MetricNames.DirectionTag, d.Label())).ToArray();

    private static readonly KeyValuePair<string, object?>[] Reasons = BuildReasons();

    public static readonly KeyValuePair<string, object?> ClientToUpstream = Tag(MetricNames.FlowTag, MetricNames.ClientToUpstream);
    public static readonly KeyValuePair<string, object?> UpstreamToClient = Tag(MetricNames.FlowTag, MetricNames.UpstreamToClient);
    public static readonly KeyValuePair<string, object?> Success = Tag(MetricNames.ResultTag, "success");
    public static readonly KeyValuePair<string, object?> Failure = Tag(MetricNames.ResultTag, "failure");

    public static KeyValuePair<string, object?> For(Direction direction) => Directions[(int)direction];

    /// <summary>An undefined value (a cast bug) is counted as internal_error rather than throwing on the data path.</summary>
    public static KeyValuePair<string, object?> For(CloseReason reason) =>
        (uint)reason < (uint)Reasons.Length && Reasons[(int)reason].Key is not null
            ? Reasons[(int)reason]
            : Reasons[(int)CloseReason.InternalError];

    public static KeyValuePair<string, object?> Tag(string name, string value) => new(name, value);

    private static readonly KeyValuePair<string, object?>[] CodeClasses =
        [.. new[] { "1xx", "2xx", "3xx", "4xx", "5xx" }.Select(c => Tag(MetricNames.CodeClassTag, c))];

    /// <summary>200 → 2xx; anything outside 100–599 counts as 5xx (it can only come from a broken upstream).</summary>
    public static KeyValuePair<string, object?> CodeClass(int status) =>
        status is >= 100 and <= 599 ? CodeClasses[(status / 100) - 1] : CodeClasses[4];

    // CloseReason values are sparse (grouped by tens), so index by value, not by position.
    private static KeyValuePair<string, object?>[] BuildReasons()
    {
        var values = Enum.GetValues<CloseReason>();
        var table = new KeyValuePair<string, object?>[values.Max(v => (int)v) + 1];
        foreach (var reason in values)
        {
            table[(int)reason] = Tag(MetricNames.ReasonTag, reason.Label());
        }
        return table;
    }
}
