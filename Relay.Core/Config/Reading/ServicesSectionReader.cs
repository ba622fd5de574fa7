using System.Net;
using Relay.Core.Config.Yaml;
using Relay.Core.Net;
using Relay.Tls.Identity;
using YamlDotNet.RepresentationModel;

namespace Relay.Core.Config.Reading;

internal static class ServicesSectionReader
{
    public static readonly string[] Keys =
        ["port", "addresses", "endpoints", "identities", "mesh_tls", "protocol", "load_balancing", "timeouts", "routes", "hash_on", "outlier_detection", "circuit_breakers", "dns", "srv", "health_check"];

    private static readonly string[] TimeoutKeys = ["connect", "idle"];

    public static IReadOnlyList<ServiceConfig> Read(MappingReader file)
    {
        if (file.Node("services") is not { } node || MappingReader.Open(node, "services", file.Errors, null) is not { } services)
        {
            return [];
        }
        var result = new List<ServiceConfig>();
        foreach (var (name, value) in services.Entries)
        {
            if (MappingReader.Open(value, services.PathOf(name), file.Errors, Keys) is { } service)
            {
                result.Add(ReadService(service, name, KeyLocation(node, name, service.Location)));
            }
        }
        return result;
    }

    private static ServiceConfig ReadService(MappingReader s, string name, ConfigLocation nameAt) => new(
        s.Location,
        new Located<string>(name, nameAt),
        s.Int("port", required: true),
        s.List("addresses", ScalarParsers.Text<IPAddress>(AddressParsers.Address)),
        EndpointsReader.Read(s, "endpoints", required: s.Node("dns") is null && s.Node("srv") is null),
        s.List("identities", ScalarParsers.Text<SpiffeId>(IdentityParsers.Id)),
        s.Bool("mesh_tls"),
        s.Scalar("load_balancing", ScalarParsers.OneOf(ConfigWords.LoadBalancers)),
        ReadTimeouts(s.Mapping("timeouts", TimeoutKeys)),
        s.Scalar("protocol", ScalarParsers.OneOf(ConfigWords.Protocols)),
        RoutesReader.Read(s))
    {
        HashOn = s.Scalar("hash_on", ScalarParsers.Text<HashOn>(HashOn.TryParse)),
        OutlierDetection = OutlierDetectionReader.Read(s.Mapping("outlier_detection", OutlierDetectionReader.Keys)),
        CircuitBreakers = CircuitBreakersReader.Read(s.Mapping("circuit_breakers", CircuitBreakersReader.Keys)),
        HealthCheck = HealthCheckReader.Read(s.Mapping("health_check", HealthCheckReader.Keys)),
        Dns = s.Scalar("dns", ScalarParsers.Text<DnsSourceConfig>(DnsNameParser.TryAddress)),
        Srv = s.Scalar("srv", ScalarParsers.Text<DnsSourceConfig>(DnsNameParser.TrySrv)),
    };

    private static ServiceTimeoutsConfig? ReadTimeouts(MappingReader? t) => t is null
        ? null
        : new ServiceTimeoutsConfig(t.Location, t.Scalar("connect", LimitsSectionReader.Duration), t.Scalar("idle", LimitsSectionReader.Duration));

    /// <summary>Where the service's name is written, so name errors point at the name itself.</summary>
    private static ConfigLocation KeyLocation(YamlNode services, string name, ConfigLocation fallback)
    {
        var key = ((YamlMappingNode)services).Children.Keys.FirstOrDefault(k => k is YamlScalarNode { Value: var v } && v == name);
        return key is null ? fallback : ConfigLocation.Of(key, fallback.KeyPath);
    }
}
