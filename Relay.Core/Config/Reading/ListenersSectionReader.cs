using Relay.Core.Config.Yaml;
using Relay.Core.Net;

namespace Relay.Core.Config.Reading;

internal static class ListenersSectionReader
{
    public static readonly string[] Keys = ["address", "direction", "service", "inbound_port"];

    public static IReadOnlyList<ListenerConfig> Read(MappingReader file) =>
        [.. file.MappingList("listeners", Keys).Select(ReadListener)];

    private static ListenerConfig ReadListener(MappingReader item) => new(
        item.Location,
        item.Scalar("address", ScalarParsers.Text<NetEndpoint>(AddressParsers.Endpoint), required: true),
        item.Scalar("direction", ScalarParsers.OneOf(ConfigWords.Directions), required: true),
        item.String("service"),
        item.Int("inbound_port"));
}
