using System.Collections.Immutable;
using Relay.Core.Config;
using Relay.Core.Net;

namespace Relay.Core.Upstreams.Discovery;

/// <summary>
/// What discovery knows about one service, immutable (the loop swaps a new one in after each
/// query; /clusters and /config read whichever is current). <see cref="LastGood"/> is the set the
/// cluster runs on: only a resolved answer replaces it; an empty or failed one keeps it.
/// </summary>
internal sealed record DiscoveryStatus(string Service, DnsSourceSnapshot Source)
{
    /// <summary>The last resolved set; default until the first resolved answer.</summary>
    public ImmutableArray<NetEndpoint> LastGood { get; init; }

    /// <summary>The clamped TTL the next query waits for.</summary>
    public TimeSpan Refresh { get; init; }

    /// <summary>The TTL the records carried (before clamping), of the last resolved answer.</summary>
    public TimeSpan RecordTtl { get; init; }

    /// <summary>When the last resolved answer arrived (the set's age); null until one did.</summary>
    public DateTimeOffset? LastRefresh { get; init; }

    /// <summary>When the last query of any outcome ended.</summary>
    public DateTimeOffset? LastAttempt { get; init; }

    public DnsOutcome? LastOutcome { get; init; }

    /// <summary>Why the last query did not resolve; null after a resolved one.</summary>
    public string? LastError { get; init; }

    /// <summary>Empty or failed answers in a row (0 after a resolved one).</summary>
    public int ConsecutiveFailures { get; init; }

    public bool HasLastGood => !LastGood.IsDefault;
}
