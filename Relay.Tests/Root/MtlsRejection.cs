using Relay.Core.Vocabulary;
using Relay.Tests.Root.Infrastructure;

namespace Relay.Tests.Root;

/// <summary>
/// Runs one connection attempt and checks the contract for refused connections: the relay that refuses writes
/// exactly one access line with the expected close reason, counts it once in
/// <c>relay_connections_closed_total{direction,reason}</c>, and the app behind it accepts nothing.
/// </summary>
internal static class MtlsRejection
{
    public const string ClosedTotal = "relay_connections_closed_total";
    public const string HandshakesTotal = "relay_tls_handshakes_total";

    /// <summary>Counters are bumped as the connection closes, next to its access line; 5 s absorbs scheduling.</summary>
    private static readonly TimeSpan MetricTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The refusing relay's access line and metric scrapes around the attempt.</summary>
    public sealed record Outcome(AccessLogEntry Line, MetricsScrape Before, MetricsScrape After)
    {
        public double Delta(string metric, params (string Label, string Value)[] labels) =>
            After.Sum(metric, labels) - Before.Sum(metric, labels);
    }

    public static async Task<Outcome> AssertRefusedAsync(
        RelayProcess refusing, string direction, string reason, TestServer app, Func<Task> attempt)
    {
        var linesBefore = refusing.AccessLines.Count;
        var acceptedBefore = app.AcceptedFrom.Count;
        var before = await MetricsScrape.GetAsync(refusing.Host);
        await attempt();
        var line = await MtlsAccessLog.SingleNewLineAsync(refusing, linesBefore);
        (string, string)[] labels = [("direction", direction), ("reason", reason)];
        var after = await MetricsScrape.WaitForAsync(
            refusing.Host, s => s.Sum(ClosedTotal, labels) > before.Sum(ClosedTotal, labels), MetricTimeout);
        var outcome = new Outcome(line, before, after);

        Assert.True(line.Direction == direction && line.Reason == reason,
            $"expected a {direction} line with reason={reason}, got: {line}\n{refusing}");
        Assert.True(outcome.Delta(ClosedTotal, labels) == 1,
            $"{ClosedTotal}{{direction=\"{direction}\",reason=\"{reason}\"}} did not grow by exactly 1:\n{after}");
        Assert.True(app.AcceptedFrom.Count == acceptedBefore,
            $"the app accepted {app.AcceptedFrom.Count - acceptedBefore} connection(s) for a refused peer\n{refusing}");
        return outcome;
    }

    /// <summary>Asserts one failed handshake was counted in <paramref name="direction"/>, with the given reason label if any.</summary>
    public static void AssertHandshakeFailureCounted(Outcome outcome, string direction, string? reason = null)
    {
        (string, string)[] labels = reason is null
            ? [("direction", direction), ("result", "failure")]
            : [("direction", direction), ("result", "failure"), ("reason", reason)];
        Assert.True(outcome.Delta(HandshakesTotal, labels) == 1,
            $"{HandshakesTotal}{{{string.Join(",", labels.Select(l => $"{l.Item1}=\"{l.Item2}\""))}}} did not grow by exactly 1:\n{outcome.After}");
    }
}
