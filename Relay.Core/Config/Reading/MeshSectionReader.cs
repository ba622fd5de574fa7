using Relay.Core.Config.Yaml;

namespace Relay.Core.Config.Reading;

internal static class MeshSectionReader
{
    public static readonly string[] Keys = ["trust_domain", "identity", "zone"];

    public static MeshConfig? Read(MappingReader? section) => section is null
        ? null
        : new MeshConfig(
            section.Location,
            section.Scalar("trust_domain", ScalarParsers.Text<string>(IdentityParsers.TrustDomain), required: true),
            section.Scalar("identity", ScalarParsers.Text<Relay.Tls.Identity.SpiffeId>(IdentityParsers.Id)))
        {
            Zone = section.String("zone"),
        };
}
