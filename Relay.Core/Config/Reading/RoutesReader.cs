using Relay.Core.Config.Yaml;

namespace Relay.Core.Config.Reading;

/// <summary>A service's <c>routes</c> list (docs/config.md#routes); rules are checked by RoutesValidator.</summary>
internal static class RoutesReader
{
    public static readonly string[] RouteKeys = ["name", "matches", "backends", "hash"];
    private static readonly string[] MatchKeys = ["path", "method", "headers", "query"];
    private static readonly string[] PathKeys = ["exact", "prefix", "regex"];
    private static readonly string[] ValueKeys = ["name", "exact", "regex", "present"];
    private static readonly string[] BackendKeys = ["service", "subset", "weight"];
    private static readonly string[] HashKeys = ["header", "client_address"];

    public static IReadOnlyList<RouteConfig> Read(MappingReader service) =>
        [.. service.MappingList("routes", RouteKeys).Select(ReadRoute)];

    private static RouteConfig ReadRoute(MappingReader r) => new(
        r.Location,
        r.String("name"),
        [.. r.MappingList("matches", MatchKeys).Select(ReadMatch)],
        [.. r.MappingList("backends", BackendKeys).Select(ReadBackend)],
        r.Mapping("hash", HashKeys) is { } h ? new RouteHashConfig(h.Location, h.String("header"), h.Bool("client_address")) : null);

    private static RouteMatchConfig ReadMatch(MappingReader m) => new(
        m.Location,
        m.Mapping("path", PathKeys) is { } p ? new PathMatchConfig(p.Location, p.String("exact"), p.String("prefix"), p.String("regex")) : null,
        m.String("method"),
        ReadValues(m, "headers"),
        ReadValues(m, "query"));

    private static List<ValueMatchConfig> ReadValues(MappingReader m, string key) =>
        [.. m.MappingList(key, ValueKeys).Select(v => new ValueMatchConfig(v.Location, v.String("name", required: true), v.String("exact"), v.String("regex"), v.Bool("present")))];

    private static BackendConfig ReadBackend(MappingReader b) => new(
        b.Location,
        b.String("service"),
        EndpointsReader.ReadLabels(b.Node("subset"), b.PathOf("subset"), b.Errors) ?? [],
        b.Int("weight"));
}
