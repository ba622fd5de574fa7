using System.Net;
using Relay.Core.Config.Yaml;

namespace Relay.Core.Config.Reading;

internal static class CaptureSectionReader
{
    public static readonly string[] Keys =
    [
        "outbound_port", "inbound_port", "run_as", "exclude_uids", "exclude_outbound_ports",
        "exclude_inbound_ports", "exclude_cidrs", "outbound_policy", "ipv6",
    ];

    public static CaptureConfig Read(MappingReader? section, ConfigLocation absentAt) => section is null
        ? CaptureConfig.Empty(absentAt)
        : new CaptureConfig(
            section.Location,
            section.Int("outbound_port"),
            section.Int("inbound_port"),
            section.String("run_as"),
            section.List<string>("exclude_uids", ScalarParsers.String),
            section.List<int>("exclude_outbound_ports", ScalarParsers.Int),
            section.List<int>("exclude_inbound_ports", ScalarParsers.Int),
            section.List("exclude_cidrs", ScalarParsers.Text<IPNetwork>(AddressParsers.Cidr)),
            section.Scalar("outbound_policy", ScalarParsers.OneOf(ConfigWords.OutboundPolicies)),
            section.Bool("ipv6"));
}
