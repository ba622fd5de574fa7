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

    /// <summary>nginx's h2c (prior knowledge) server, the app of the h2load workload.</summary>
    public const int UpstreamH2Port = 18081;

    // The L7 targets: an HTTP/1.1 listener each, and an h2c one whose service leads to nginx's h2c
    // port (Relay keeps an h2c client's HTTP/2 upstream, so that service's app must speak it).
    public const int HttpPort = 19103;
    public const int HttpH2Port = 19104;
    public const int HttpPairOutboundPort = 19105;
    public const int HttpPairOutboundH2Port = 19106;
    public const int HttpPairInboundPort = 19205;
    public const int HttpPairInboundH2Port = 19206;

    /// <summary>Every port a Relay target binds, checked free before the run.</summary>
    public static readonly int[] AllPorts = [L4Port, PairOutboundPort, PairInboundPort, 19110, 19111, 19116, 19120, 19121, 19126, 19130, 19131, 19136,
        HttpPort, HttpH2Port, HttpPairOutboundPort, HttpPairOutboundH2Port, HttpPairInboundPort, HttpPairInboundH2Port,
        19140, 19141, 19146, 19150, 19151, 19156, 19160, 19161, 19166];

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
    public static string PairB(BenchWorkspace workspace) => PairB(workspace, "", "");

    /// <summary>B's local app's outbound listener in the flood scenario (Relay.Bench flood).</summary>
    public const int FloodLocalPort = 19107;

    /// <summary>
    /// Relay B of the flood scenario: the pair's B with the shipped connection limits (only the
    /// drain is short) and a local app's outbound listener, so one run sees both issue 17 §2
    /// victims: local apps going out and mesh callers coming in.
    /// </summary>
    public static string FloodB(BenchWorkspace workspace) => PairB(workspace,
        $"services:\n  local: {{ port: {UpstreamPort}, endpoints: [\"127.0.0.1:{UpstreamPort}\"], mesh_tls: false }}\n",
        $"\n  - {{ address: \"127.0.0.1:{FloodLocalPort}\", direction: outbound, service: local }}");

    private static string PairB(BenchWorkspace workspace, string services, string moreListeners) => $$"""
        mesh: { trust_domain: {{BenchWorkspace.TrustDomain}}, identity: "{{BenchWorkspace.RelayBId}}" }
        {{Tls(workspace, "b")}}
        capture: { outbound_port: 19121, inbound_port: 19126, ipv6: false }
        admin: { address: "127.0.0.1:19120" }
        {{Limits}}inbound:
          - { port: {{UpstreamPort}}, forward_to: "127.0.0.1:{{UpstreamPort}}", mtls: strict }
        {{services}}listeners:
          - { address: "127.0.0.1:{{PairInboundPort}}", direction: inbound, inbound_port: {{UpstreamPort}} }{{moreListeners}}
        """;

    /// <summary>One hop, HTTP (Kestrel + YARP): explicit outbound listeners → nginx's HTTP/1.1 and h2c servers.</summary>
    public static string Http() => $$"""
        mesh: { trust_domain: {{BenchWorkspace.TrustDomain}} }
        capture: { outbound_port: 19141, inbound_port: 19146, ipv6: false }
        admin: { address: "127.0.0.1:19140" }
        {{Limits}}services:
          app: { port: {{UpstreamPort}}, endpoints: ["127.0.0.1:{{UpstreamPort}}"], mesh_tls: false, protocol: http }
          app-h2: { port: {{UpstreamH2Port}}, endpoints: ["127.0.0.1:{{UpstreamH2Port}}"], mesh_tls: false, protocol: http }
        listeners:
          - { address: "127.0.0.1:{{HttpPort}}", direction: outbound, service: app }
          - { address: "127.0.0.1:{{HttpH2Port}}", direction: outbound, service: app-h2 }
        """;

    /// <summary>Relay A of the HTTP pair: HTTP services reached over mesh mTLS, i.e. pooled relay/h2 connections to Relay B.</summary>
    public static string HttpPairA(BenchWorkspace workspace) => $$"""
        mesh: { trust_domain: {{BenchWorkspace.TrustDomain}}, identity: "{{BenchWorkspace.RelayAId}}" }
        {{Tls(workspace, "a")}}
        capture: { outbound_port: 19151, inbound_port: 19156, ipv6: false }
        admin: { address: "127.0.0.1:19150" }
        {{Limits}}services:
          app: { port: {{UpstreamPort}}, endpoints: ["127.0.0.1:{{HttpPairInboundPort}}"], mesh_tls: true, identities: ["{{BenchWorkspace.RelayBId}}"], protocol: http }
          app-h2: { port: {{UpstreamH2Port}}, endpoints: ["127.0.0.1:{{HttpPairInboundH2Port}}"], mesh_tls: true, identities: ["{{BenchWorkspace.RelayBId}}"], protocol: http }
        listeners:
          - { address: "127.0.0.1:{{HttpPairOutboundPort}}", direction: outbound, service: app }
          - { address: "127.0.0.1:{{HttpPairOutboundH2Port}}", direction: outbound, service: app-h2 }
        """;

    /// <summary>
    /// Relay B of the HTTP pair: explicit inbound listeners, strict mTLS, requests → nginx. On an
    /// inbound port <c>http</c> names an HTTP/1.1 app and <c>http2</c> an h2c one (docs/http.md).
    /// </summary>
    public static string HttpPairB(BenchWorkspace workspace) => $$"""
        mesh: { trust_domain: {{BenchWorkspace.TrustDomain}}, identity: "{{BenchWorkspace.RelayBId}}" }
        {{Tls(workspace, "b")}}
        capture: { outbound_port: 19161, inbound_port: 19166, ipv6: false }
        admin: { address: "127.0.0.1:19160" }
        {{Limits}}inbound:
          - { port: {{UpstreamPort}}, forward_to: "127.0.0.1:{{UpstreamPort}}", mtls: strict, protocol: http }
          - { port: {{UpstreamH2Port}}, forward_to: "127.0.0.1:{{UpstreamH2Port}}", mtls: strict, protocol: http2 }
        listeners:
          - { address: "127.0.0.1:{{HttpPairInboundPort}}", direction: inbound, inbound_port: {{UpstreamPort}} }
          - { address: "127.0.0.1:{{HttpPairInboundH2Port}}", direction: inbound, inbound_port: {{UpstreamH2Port}} }
        """;

    private static string Tls(BenchWorkspace workspace, string name)
    {
        var dir = workspace.RelayCerts(name);
        return $"tls: {{ cert: \"{dir}/cert.pem\", key: \"{dir}/key.pem\", trust_bundle: \"{dir}/bundle.pem\" }}";
    }
}
