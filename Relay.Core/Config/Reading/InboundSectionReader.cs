using Relay.Core.Config.Yaml;
using Relay.Core.Net;
using Relay.Tls.Identity;

namespace Relay.Core.Config.Reading;

internal static class InboundSectionReader
{
    public static readonly string[] Keys = ["port", "forward_to", "protocol", "mtls", "allow", "idle_timeout", "rate_limit", "connection_rate_limit"];

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
    };

}
