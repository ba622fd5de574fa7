using System.Security.Authentication;
using Relay.Core.Vocabulary;

namespace Relay.Core.Config.Reading;

/// <summary>The closed vocabularies of mesh.yaml, word → compiled value.</summary>
internal static class ConfigWords
{
    public static readonly IReadOnlyDictionary<string, OutboundPolicy> OutboundPolicies = new Dictionary<string, OutboundPolicy>
    {
        ["passthrough"] = OutboundPolicy.Passthrough,
        ["registry-only"] = OutboundPolicy.RegistryOnly,
    };

    public static readonly IReadOnlyDictionary<string, MtlsMode> MtlsModes = new Dictionary<string, MtlsMode>
    {
        ["strict"] = MtlsMode.Strict,
        ["permissive"] = MtlsMode.Permissive,
    };

    public static readonly IReadOnlyDictionary<string, LoadBalancing> LoadBalancers = new Dictionary<string, LoadBalancing>
    {
        ["round-robin"] = LoadBalancing.RoundRobin,
        ["random"] = LoadBalancing.Random,
        ["least-request"] = LoadBalancing.LeastRequest,
        ["peak-ewma"] = LoadBalancing.PeakEwma,
        ["ring-hash"] = LoadBalancing.RingHash,
    };

    public static readonly IReadOnlyDictionary<string, AppProtocol> Protocols = new Dictionary<string, AppProtocol>
    {
        ["tcp"] = AppProtocol.Tcp,
        ["http"] = AppProtocol.Http,
        ["http2"] = AppProtocol.Http2,
        ["grpc"] = AppProtocol.Grpc,
        ["auto"] = AppProtocol.Auto,
    };

    public static readonly IReadOnlyDictionary<string, SslProtocols> TlsVersions = new Dictionary<string, SslProtocols>
    {
        ["1.2"] = SslProtocols.Tls12,
        ["1.3"] = SslProtocols.Tls13,
    };

    public static readonly IReadOnlyDictionary<string, Direction> Directions = new Dictionary<string, Direction>
    {
        ["outbound"] = Direction.Outbound,
        ["inbound"] = Direction.Inbound,
    };
}
