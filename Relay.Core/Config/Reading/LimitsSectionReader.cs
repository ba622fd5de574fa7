using Relay.Core.Config.Yaml;

namespace Relay.Core.Config.Reading;

internal static class LimitsSectionReader
{
    public static readonly string[] Keys = ["max_connections", "connect_timeout", "idle_timeout", "drain_timeout", "buffer_size",
        "max_inbound_connections", "max_outbound_connections", "max_unauthenticated_per_source", "inbound_handshake_timeout", "first_byte_timeout",
        "http_request_headers_timeout", "http_keep_alive_timeout"];

    public static readonly ScalarParser<TimeSpan> Duration = ScalarParsers.Text<TimeSpan>(DurationParser.TryParse);

    public static LimitsConfig Read(MappingReader? section, ConfigLocation absentAt) => section is null
        ? LimitsConfig.Empty(absentAt)
        : new LimitsConfig(
            section.Location,
            section.Int("max_connections"),
            section.Scalar("connect_timeout", Duration),
            section.Scalar("idle_timeout", Duration),
            section.Scalar("drain_timeout", Duration),
            section.Int("buffer_size"))
        {
            MaxInboundConnections = section.Int("max_inbound_connections"),
            MaxOutboundConnections = section.Int("max_outbound_connections"),
            MaxUnauthenticatedPerSource = section.Int("max_unauthenticated_per_source"),
            InboundHandshakeTimeout = section.Scalar("inbound_handshake_timeout", Duration),
            FirstByteTimeout = section.Scalar("first_byte_timeout", Duration),
            HttpRequestHeadersTimeout = section.Scalar("http_request_headers_timeout", Duration),
            HttpKeepAliveTimeout = section.Scalar("http_keep_alive_timeout", Duration),
        };
}
