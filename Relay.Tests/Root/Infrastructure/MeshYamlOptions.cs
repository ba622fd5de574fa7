using System.Text;

namespace Relay.Tests.Root.Infrastructure;

/// <summary>A service a host's apps call: name, port and "ip:port" / "[v6]:port" endpoints.</summary>
internal sealed record ServiceSpec(string Name, int Port, IReadOnlyList<string> Endpoints)
{
    /// <summary>False by default: the plain-TCP tiers predate mTLS; mTLS tests opt in.</summary>
    public bool MeshTls { get; init; }

    /// <summary>SPIFFE IDs the service's servers may present (rendered only when non-empty).</summary>
    public IReadOnlyList<string> Identities { get; init; } = [];

    /// <summary>protocol: (tcp|http|http2|grpc|auto); null leaves the default (tcp).</summary>
    public string? Protocol { get; init; }

    /// <summary>dns: NAME[:PORT] instead of endpoints (the endpoints list is then not rendered).</summary>
    public string? Dns { get; init; }

    /// <summary>addresses: extra destinations apps dial (a dns service's virtual address).</summary>
    public IReadOnlyList<string> Addresses { get; init; } = [];
}

/// <summary>An inbound port with its mTLS mode (strict|permissive, null = default) and optional allow list.</summary>
internal sealed record InboundSpec(int Port, string? Mtls = null, IReadOnlyList<string>? Allow = null, string? Protocol = null);

/// <summary>
/// The mesh.yaml subset the Root tier exercises (capture, limits, inbound ports, services, mesh TLS),
/// rendered to the documented schema. Values are strings where the schema takes durations ("10s").
/// </summary>
internal sealed record MeshYamlOptions
{
    public const string Passthrough = "passthrough";
    public const string RegistryOnly = "registry-only";

    public string OutboundPolicy { get; init; } = Passthrough;

    public IReadOnlyList<int> InboundPorts { get; init; } = [];

    /// <summary>Inbound ports with mTLS settings, rendered after <see cref="InboundPorts"/>.</summary>
    public IReadOnlyList<InboundSpec> Inbound { get; init; } = [];

    /// <summary>mesh.identity: this host's SPIFFE ID (must equal its certificate's).</summary>
    public string? Identity { get; init; }

    /// <summary>The tls section; null = no mesh TLS on this host.</summary>
    public TlsPaths? Tls { get; init; }

    public IReadOnlyList<ServiceSpec> Services { get; init; } = [];

    /// <summary>22 by default so a broken capture rule cannot lock an operator out of the VM.</summary>
    public IReadOnlyList<int> ExcludeInboundPorts { get; init; } = [22];

    public string DrainTimeout { get; init; } = "10s";

    /// <summary>1 s: a dead endpoint on the test bridge answers RST at once; only a blackhole needs the timeout.</summary>
    public string ConnectTimeout { get; init; } = "1s";

    /// <summary>The discovery section's flow mapping body ("resolvers: [...], min_ttl: 1s"); null = no section.</summary>
    public string? Discovery { get; init; }

    public string Render(string runAsUser)
    {
        var yaml = new StringBuilder();
        yaml.AppendLine(Identity is null ? "mesh: { trust_domain: mesh.test }" : $"mesh: {{ trust_domain: mesh.test, identity: \"{Identity}\" }}");
        if (Tls is not null)
        {
            yaml.AppendLine($"tls: {{ cert: \"{Tls.Cert}\", key: \"{Tls.Key}\", trust_bundle: \"{Tls.TrustBundle}\", min_version: \"1.3\" }}");
        }
        yaml.AppendLine($"capture: {{ outbound_port: 15001, inbound_port: 15006, run_as: {runAsUser}, " +
            $"outbound_policy: {OutboundPolicy}, exclude_inbound_ports: [{string.Join(", ", ExcludeInboundPorts)}], ipv6: true }}");
        yaml.AppendLine("admin: { address: 127.0.0.1:15000 }");
        yaml.AppendLine($"limits: {{ drain_timeout: {DrainTimeout}, connect_timeout: {ConnectTimeout} }}");
        AppendIf(yaml, Discovery is not null, $"discovery: {{ {Discovery} }}");
        yaml.AppendLine(InboundPorts.Count + Inbound.Count == 0 ? "inbound: []" : "inbound:");
        foreach (var port in InboundPorts)
        {
            yaml.AppendLine($"  - port: {port}");
        }
        foreach (var spec in Inbound)
        {
            yaml.AppendLine($"  - port: {spec.Port}");
            AppendIf(yaml, spec.Mtls is not null, $"    mtls: {spec.Mtls}");
            AppendIf(yaml, spec.Allow is not null, $"    allow: [{Quoted(spec.Allow ?? [])}]");
            AppendIf(yaml, spec.Protocol is not null, $"    protocol: {spec.Protocol}");
        }
        yaml.AppendLine(Services.Count == 0 ? "services: {}" : "services:");
        foreach (var service in Services)
        {
            yaml.AppendLine($"  {service.Name}:");
            yaml.AppendLine($"    port: {service.Port}");
            yaml.AppendLine(service.Dns is null
                ? $"    endpoints: [{string.Join(", ", service.Endpoints.Select(e => $"\"{e}\""))}]"
                : $"    dns: {service.Dns}");
            AppendIf(yaml, service.Addresses.Count > 0, $"    addresses: [{Quoted(service.Addresses)}]");
            yaml.AppendLine($"    mesh_tls: {(service.MeshTls ? "true" : "false")}");
            AppendIf(yaml, service.Identities.Count > 0, $"    identities: [{Quoted(service.Identities)}]");
            AppendIf(yaml, service.Protocol is not null, $"    protocol: {service.Protocol}");
        }
        return yaml.ToString();
    }

    private static void AppendIf(StringBuilder yaml, bool condition, string line)
    {
        if (condition)
        {
            yaml.AppendLine(line);
        }
    }

    private static string Quoted(IEnumerable<string> values) => string.Join(", ", values.Select(v => $"\"{v}\""));
}
