using Relay.Core.Config.Yaml;
using Relay.Core.Net;
using Relay.Tls.Identity;

namespace Relay.Core.Config.Reading;

internal static class InboundSectionReader
{
    public static readonly string[] Keys = ["port", "forward_to", "protocol", "mtls", "allow", "idle_timeout", "rate_limit", "connection_rate_limit", "routes"];

    private static readonly string[] RouteKeys = ["name", "matches", "allow"];

    public static IReadOnlyList<InboundPortConfig> Read(MappingReader file) =>
        [.. file.MappingList("inbound", Keys).Select(ReadPort)];

    private static InboundPortConfig ReadPort(MappingReader item) => new(
        item.Location,
        item.Int("port", required: true),
        item.Scalar("forward_to", ScalarParsers.Text<NetEndpoint>(AddressParsers.Endpoint)),
        item.Scalar("protocol", ScalarParsers.OneOf(ConfigWords.Protocols)),
        item.Scalar("mtls", ScalarParsers.OneOf(ConfigWords.MtlsModes)),
        item.List("allow", ScalarParsers.Text<SpiffeIdPattern>(IdentityParsers.Pattern)),
        item.Scalar("idle_timeout", LimitsSectionReader.Duration))
    {
        RateLimit = RateLimitReader.Read(item.Mapping("rate_limit", RateLimitReader.RequestKeys), "requests_per_second"),
        ConnectionRateLimit = RateLimitReader.Read(item.Mapping("connection_rate_limit", RateLimitReader.ConnectionKeys), "connections_per_second"),
        Routes = item.Node("routes") is null ? null : [.. item.MappingList("routes", RouteKeys).Select(ReadRoute)],
    };

    // The same match reader as a service's routes: one shape, one normalisation of the path.
    private static InboundRouteConfig ReadRoute(MappingReader r) => new(
        r.Location,
        r.String("name"),
        [.. r.MappingList("matches", RoutesReader.MatchKeys).Select(RoutesReader.ReadMatch)],
        r.List("allow", ScalarParsers.Text<SpiffeIdPattern>(IdentityParsers.Pattern)));

}
