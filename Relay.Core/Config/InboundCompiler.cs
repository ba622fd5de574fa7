using System.Collections.Immutable;
using Relay.Tls.Identity;

namespace Relay.Core.Config;

/// <summary>One inbound item → <see cref="InboundPortSnapshot"/> with defaults applied.</summary>
internal static class InboundCompiler
{
    public static InboundPortSnapshot Compile(InboundPortConfig inbound, bool tlsConfigured, LimitsSnapshot limits)
    {
        var port = ConfigCompiler.Required(inbound.Port).Value;
        // Absent allow = no policy (any authenticated peer); present, even empty = default deny.
        ImmutableArray<SpiffeIdPattern>? allow = inbound.Allow is null ? null : ConfigCompiler.Values(inbound.Allow, []);
        return new InboundPortSnapshot(
            port,
            inbound.ForwardTo?.Value ?? ConfigDefaults.ForwardTo(port),
            inbound.Protocol?.Value ?? ConfigDefaults.Protocol,
            inbound.Mtls?.Value ?? ConfigDefaults.Mtls(tlsConfigured),
            allow,
            inbound.IdleTimeout?.Value ?? limits.IdleTimeout)
        {
            RateLimit = inbound.RateLimit?.Compile(),
            ConnectionRateLimit = inbound.ConnectionRateLimit?.Compile(),
            Routes = [.. (inbound.Routes ?? []).Select((r, i) => new InboundRoute(
                r.Name?.Value ?? $"route-{i}",
                [.. r.Matches.Select(RouteCompiler.Match)],
                r.Allow is null ? null : ConfigCompiler.Values(r.Allow, [])))],
        };
    }
}
