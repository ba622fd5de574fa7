namespace Relay.Core.Config;

/// <summary>
/// mesh.yaml <c>inbound[].rate_limit</c> (<c>requests_per_second</c>) or
/// <c>connection_rate_limit</c> (<c>connections_per_second</c>), with an optional <c>burst</c>
/// that defaults to one second's worth (Envoy's local_ratelimit has its max_tokens
/// equal to tokens_per_fill in its examples).
/// </summary>
internal sealed record RateLimitConfig(ConfigLocation Location, Located<int>? PerSecond, Located<int>? Burst)
{
    public RateLimitSnapshot Compile()
    {
        var rate = ConfigCompiler.Required(PerSecond).Value;
        return new(rate, Burst?.Value ?? rate);
    }
}
