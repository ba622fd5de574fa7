namespace Relay.Core.Upstreams.Discovery;

/// <summary>
/// When to ask again: the answer's TTL, clamped to <c>discovery.min_ttl</c>..<c>max_ttl</c>
/// (linkerd2-proxy's LINKERD2_PROXY_DNS_MIN_TTL/MAX_TTL do the same; Envoy's STRICT_DNS with
/// respect_dns_ttl uses the TTL with dns_min_refresh_rate as its floor). A failed or empty
/// answer is asked again after min_ttl: Envoy's dns_failure_refresh_rate defaults to the refresh rate.
/// </summary>
internal static class TtlClamp
{
    public static TimeSpan Clamp(TimeSpan ttl, TimeSpan min, TimeSpan max) =>
        ttl < min ? min : ttl > max ? max : ttl;

    public static TimeSpan NextRefresh(DnsAnswer answer, TimeSpan min, TimeSpan max) =>
        answer.Outcome == DnsOutcome.Resolved ? Clamp(answer.Ttl, min, max) : min;
}
