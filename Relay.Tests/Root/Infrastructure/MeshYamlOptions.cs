using System.Text;

namespace Relay.Tests.Root.Infrastructure;

/// <summary>A service a host's apps call: name, port and "ip:port" / "[v6]:port" endpoints.</summary>
internal sealed record ServiceSpec(string Name, int Port, IReadOnlyList<string> Endpoints);

/// <summary>
/// The mesh.yaml subset the Root tier exercises (capture, limits, inbound ports, plain-TCP services),
/// rendered to the documented schema. Values are strings where the schema takes durations ("10s").
/// </summary>
internal sealed record MeshYamlOptions
{
    public const string Passthrough = "passthrough";
    public const string RegistryOnly = "registry-only";

    public string OutboundPolicy { get; init; } = Passthrough;

    public IReadOnlyList<int> InboundPorts { get; init; } = [];

    public IReadOnlyList<ServiceSpec> Services { get; init; } = [];

    /// <summary>22 by default so a broken capture rule cannot lock an operator out of the VM.</summary>
    public IReadOnlyList<int> ExcludeInboundPorts { get; init; } = [22];

    public string DrainTimeout { get; init; } = "10s";

    /// <summary>1 s: a dead endpoint on the test bridge answers RST at once; only a blackhole needs the timeout.</summary>
    public string ConnectTimeout { get; init; } = "1s";

    public string Render(string runAsUser)
    {
        var yaml = new StringBuilder();
        yaml.AppendLine("mesh: { trust_domain: mesh.test }");
        yaml.AppendLine($"capture: {{ outbound_port: 15001, inbound_port: 15006, run_as: {runAsUser}, " +
            $"outbound_policy: {OutboundPolicy}, exclude_inbound_ports: [{string.Join(", ", ExcludeInboundPorts)}], ipv6: true }}");
        yaml.AppendLine("admin: { address: 127.0.0.1:15000 }");
        yaml.AppendLine($"limits: {{ drain_timeout: {DrainTimeout}, connect_timeout: {ConnectTimeout} }}");
        yaml.AppendLine(InboundPorts.Count == 0 ? "inbound: []" : "inbound:");
        foreach (var port in InboundPorts)
        {
            yaml.AppendLine($"  - port: {port}");
        }
        yaml.AppendLine(Services.Count == 0 ? "services: {}" : "services:");
        foreach (var service in Services)
        {
            yaml.AppendLine($"  {service.Name}:");
            yaml.AppendLine($"    port: {service.Port}");
            yaml.AppendLine($"    endpoints: [{string.Join(", ", service.Endpoints.Select(e => $"\"{e}\""))}]");
            yaml.AppendLine("    mesh_tls: false");
        }
        return yaml.ToString();
    }
}
