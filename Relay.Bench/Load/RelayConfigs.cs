namespace Relay.Bench.Load;

/// <summary>
/// mesh.yaml for the Relay targets. Every Relay gets its own capture and admin ports (capture
/// listeners are always bound) and an explicit listener, so no iptables rules are needed.
/// </summary>
internal static class RelayConfigs
{
    public const int L4Port = 19101;
    public const int PairOutboundPort = 19102;
    public const int PairInboundPort = 19203;
    public const int UpstreamPort = 18080;

    /// <summary>Every port a Relay target binds, checked free before the run.</summary>
    public static readonly int[] AllPorts = [L4Port, PairOutboundPort, PairInboundPort, 19110, 19111, 19116, 19120, 19121, 19126, 19130, 19131, 19136];

    // Short drain: the runner stops daemons between targets and nothing is in flight then.
    private const string Limits = "limits: { drain_timeout: 1s }\n";

    /// <summary>One hop, plain TCP: explicit outbound listener → nginx.</summary>
    public static string L4() => $$"""
        mesh: { trust_domain: {{BenchWorkspace.TrustDomain}} }
        capture: { outbound_port: 19111, inbound_port: 19116, ipv6: false }
        admin: { address: "127.0.0.1:19110" }
        {{Limits}}services:
          app: { port: {{UpstreamPort}}, endpoints: ["127.0.0.1:{{UpstreamPort}}"], mesh_tls: false }
        listeners:
          - { address: "127.0.0.1:{{L4Port}}", direction: outbound, service: app }
        """;

    /// <summary>Relay A of the pair: explicit outbound listener → mTLS to Relay B's inbound listener.</summary>
    public static string PairA(BenchWorkspace workspace) => $$"""
        mesh: { trust_domain: {{BenchWorkspace.TrustDomain}}, identity: "{{BenchWorkspace.RelayAId}}" }
        {{Tls(workspace, "a")}}
        capture: { outbound_port: 19131, inbound_port: 19136, ipv6: false }
        admin: { address: "127.0.0.1:19130" }
        {{Limits}}services:
          app: { port: {{UpstreamPort}}, endpoints: ["127.0.0.1:{{PairInboundPort}}"], mesh_tls: true, identities: ["{{BenchWorkspace.RelayBId}}"] }
        listeners:
          - { address: "127.0.0.1:{{PairOutboundPort}}", direction: outbound, service: app }
        """;

    /// <summary>Relay B of the pair: explicit inbound listener, strict mTLS, plaintext → nginx.</summary>
    public static string PairB(BenchWorkspace workspace) => $$"""
        mesh: { trust_domain: {{BenchWorkspace.TrustDomain}}, identity: "{{BenchWorkspace.RelayBId}}" }
        {{Tls(workspace, "b")}}
        capture: { outbound_port: 19121, inbound_port: 19126, ipv6: false }
        admin: { address: "127.0.0.1:19120" }
        {{Limits}}inbound:
          - { port: {{UpstreamPort}}, forward_to: "127.0.0.1:{{UpstreamPort}}", mtls: strict }
        listeners:
          - { address: "127.0.0.1:{{PairInboundPort}}", direction: inbound, inbound_port: {{UpstreamPort}} }
        """;

    private static string Tls(BenchWorkspace workspace, string name)
    {
        var dir = workspace.RelayCerts(name);
        return $"tls: {{ cert: \"{dir}/cert.pem\", key: \"{dir}/key.pem\", trust_bundle: \"{dir}/bundle.pem\" }}";
    }
}
