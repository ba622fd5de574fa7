using Relay.Core.Config.Yaml;
using Relay.Core.Net;

namespace Relay.Core.Config.Reading;

internal static class AdminSectionReader
{
    public static readonly string[] Keys = ["address"];

    public static AdminConfig Read(MappingReader? section, ConfigLocation absentAt) => section is null
        ? AdminConfig.Empty(absentAt)
        : new AdminConfig(section.Location, section.Scalar("address", ScalarParsers.Text<NetEndpoint>(AddressParsers.Endpoint)));
}
