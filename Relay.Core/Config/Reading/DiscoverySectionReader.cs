using Relay.Core.Config.Yaml;
using Relay.Core.Net;

namespace Relay.Core.Config.Reading;

/// <summary>mesh.yaml <c>discovery</c>: resolvers, TTL bounds, query timeout.</summary>
internal static class DiscoverySectionReader
{
    public static readonly string[] Keys = ["resolvers", "min_ttl", "max_ttl", "query_timeout"];

    public static DiscoveryConfig? Read(MappingReader? section) => section is null
        ? null
        : new DiscoveryConfig(
            section.Location,
            section.List("resolvers", ScalarParsers.Text<NetEndpoint>(AddressParsers.Endpoint)),
            section.Scalar("min_ttl", LimitsSectionReader.Duration),
            section.Scalar("max_ttl", LimitsSectionReader.Duration),
            section.Scalar("query_timeout", LimitsSectionReader.Duration));
}
