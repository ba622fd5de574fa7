using Relay.Core.Config.Yaml;

namespace Relay.Core.Config.Reading;

internal static class LimitsSectionReader
{
    public static readonly string[] Keys = ["max_connections", "connect_timeout", "idle_timeout", "drain_timeout", "buffer_size", "http_request_headers_timeout", "http_keep_alive_timeout"];

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
            HttpRequestHeadersTimeout = section.Scalar("http_request_headers_timeout", Duration),
            HttpKeepAliveTimeout = section.Scalar("http_keep_alive_timeout", Duration),
        };
}
