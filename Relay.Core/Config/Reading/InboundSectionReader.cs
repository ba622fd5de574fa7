using Relay.Core.Config.Yaml;
using Relay.Core.Net;
using Relay.Tls.Identity;

namespace Relay.Core.Config.Reading;

internal static class InboundSectionReader
{
    public static readonly string[] Keys = ["port", "forward_to", "protocol", "mtls", "allow", "idle_timeout"];

    public static IReadOnlyList<InboundPortConfig> Read(MappingReader file) =>
        [.. file.MappingList("inbound", Keys).Select(ReadPort)];

    private static InboundPortConfig ReadPort(MappingReader item) => new(
        item.Location,
        item.Int("port", required: true),
        item.Scalar("forward_to", ScalarParsers.Text<NetEndpoint>(AddressParsers.Endpoint)),
        item.Scalar("protocol", ScalarParsers.Text<AppProtocol>(Protocol)),
        item.Scalar("mtls", ScalarParsers.OneOf(ConfigWords.MtlsModes)),
        item.List("allow", ScalarParsers.Text<SpiffeIdPattern>(IdentityParsers.Pattern)),
        item.Scalar("idle_timeout", LimitsSectionReader.Duration));

    private static bool Protocol(string text, out AppProtocol value, out string? error)
    {
        error = null;
        if (ConfigWords.Protocols.TryGetValue(text, out value))
        {
            return true;
        }
        error = $"protocol '{text}' is not supported: only 'tcp' is supported in this version";
        return false;
    }
}
