using System.Security.Authentication;
using Relay.Core.Config.Yaml;

namespace Relay.Core.Config.Reading;

internal static class TlsSectionReader
{
    public static readonly string[] Keys = ["cert", "key", "trust_bundle", "min_version"];

    public static TlsConfig? Read(MappingReader? section) => section is null
        ? null
        : new TlsConfig(
            section.Location,
            section.String("cert", required: true),
            section.String("key", required: true),
            section.String("trust_bundle", required: true),
            section.Scalar("min_version", ScalarParsers.OneOf<SslProtocols>(ConfigWords.TlsVersions)));
}
