using System.Net;
using System.Text;
using Relay.Core.Config;
using Relay.Tests.Root.Infrastructure;

namespace Relay.Tests.Root;

/// <summary>
/// The 50 rewrites of host A's mesh.yaml in the reload-under-load test. Valid edit k flips one of four
/// features (k mod 4) so it always differs from the running revision: echo's endpoint list (B's IPv4 only,
/// or IPv4 and IPv6), service "extra" present or not, outbound_policy, inbound port 8090 captured or not.
/// Invalid edits cycle through a syntax error, an unknown key and a bad address. Services echo (8080) and
/// sink (8081), which the load uses, are in every valid version and reached the same way.
/// </summary>
internal sealed class ReloadConfigScript(NetnsHost b, string runAs)
{
    public const int EchoPort = MeshConfigs.ServicePort;
    public const int SinkPort = 8081;
    public const int ExtraInboundPort = 8090;

    private readonly bool[] _features = new bool[4];

    public static string Revision(string yaml) => ConfigLoader.Revision(Encoding.UTF8.GetBytes(yaml));

    /// <summary>The config the daemon starts with (all features off).</summary>
    public MeshYamlOptions Current => Options(_features);

    public bool InboundPortCaptured => _features[3];

    /// <summary>Edit number <paramref name="k"/> (0-based): even = valid, odd = invalid.</summary>
    public (string Yaml, bool Valid, string Kind) Edit(int k)
    {
        if (k % 2 == 0)
        {
            var feature = k / 2 % 4;
            _features[feature] = !_features[feature];
            return (Options(_features).Render(runAs), true, FeatureNames[feature]);
        }
        var valid = Options(_features).Render(runAs);
        return (k / 2 % 3) switch
        {
            0 => (valid.Replace("mesh: { trust_domain: mesh.test }", "mesh: { trust_domain: mesh.test", StringComparison.Ordinal), false, "syntax error"),
            1 => (valid + "bogus_key: 1\n", false, "unknown key"),
            _ => (valid.Replace($"{b.IPv4}:{SinkPort}", $"198.18.0.999:{SinkPort}", StringComparison.Ordinal), false, "bad address"),
        };
    }

    private static readonly string[] FeatureNames = ["endpoint list", "service added/removed", "outbound policy", "inbound port added/removed"];

    private MeshYamlOptions Options(bool[] f)
    {
        var echoEndpoints = f[0]
            ? new[] { Format(b.IPv4!, EchoPort), Format(b.IPv6!, EchoPort) }
            : [Format(b.IPv4!, EchoPort)];
        var services = new List<ServiceSpec>
        {
            new("echo", EchoPort, echoEndpoints),
            new("sink", SinkPort, [Format(b.IPv4!, SinkPort)]),
        };
        if (f[1])
        {
            services.Add(new ServiceSpec("extra", 9100, [Format(b.IPv4!, 9100)]));
        }
        return new MeshYamlOptions
        {
            Services = services,
            OutboundPolicy = f[2] ? MeshYamlOptions.RegistryOnly : MeshYamlOptions.Passthrough,
            InboundPorts = f[3] ? [ExtraInboundPort] : [],
        };
    }

    private static string Format(IPAddress address, int port) => AccessLog.Format(address, port);
}
