using System.Net;
using System.Security.Authentication;
using Relay.Core.Net;

namespace Relay.Core.Config;

/// <summary>Every default of mesh.yaml in one place, each with its reason; docs/config.md lists them.</summary>
internal static class ConfigDefaults
{
    // Tracing: Istio's default sampling is 1 % of new traces (meshConfig.defaultConfig.tracing.sampling);
    // the queue, batch, delay and timeout are the OpenTelemetry SDK's BatchExportProcessor and
    // OTLP exporter defaults (2048 spans, 512 per batch, every 5 s, 10 s per export).
    public const double TracingSamplingRatio = 0.01;
    public const int TracingMaxQueueSize = 2048;
    public const int TracingMaxExportBatchSize = 512;
    public static readonly TimeSpan TracingScheduleDelay = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan TracingExportTimeout = TimeSpan.FromSeconds(10);
    public const string TracingServiceName = "relay";

    // Istio's sidecar ports (15001 outbound, 15006 inbound, 15000 admin): operators know them
    // and they sit outside the ephemeral range, so no app is handed them by the kernel.
    public const int OutboundPort = 15001;
    public const int InboundPort = 15006;
    public static readonly NetEndpoint AdminAddress = new(IPAddress.Loopback, 15000);

    // The systemd unit runs the daemon as this user; its uid is what capture excludes.
    public const string RunAs = "relay";

    // SSH stays reachable even when Relay is down or misconfigured (capture fails closed).
    public static readonly int[] ExcludeInboundPorts = [22];

    public const OutboundPolicy DefaultOutboundPolicy = OutboundPolicy.Passthrough;
    public const bool Ipv6 = true;

    // TLS 1.3 only: one round trip, no renegotiation, no legacy cipher suites.
    public const SslProtocols MinTlsVersion = SslProtocols.Tls13;

    // Per direction (inbound and outbound each have their own pool, as Linkerd's inbound and
    // outbound proxies do): 10k connections × 2 buffers × 64 KiB ≈ 1.3 GB worst case per pool,
    // a VM-sized bound; buffers are only held while bytes move (zero-byte reads).
    public const int MaxConnections = 10_000;
    public const int MinMaxConnections = 1;
    public const int MaxMaxConnections = 1_000_000;

    // Inbound connections one source address (an IPv6 /64) may hold before authenticating. A
    // peer Relay opening 1,000 connections/s whose handshakes take 100 ms (18x the 5.6 ms fresh
    // mTLS p50 measured in issue 17) has ~100 in flight; 250 stalled hellos from one client were
    // enough to lock out every other caller at a cap of 200. HAProxy's equivalent is a
    // src_conn_cur rule, which it leaves to the operator.
    public const int MaxUnauthenticatedPerSource = 128;
    public const int MinMaxUnauthenticatedPerSource = 1;

    // 3s for an inbound caller to finish the mesh handshake and send its preface. Neither anchor
    // sets a default: Envoy's transport_socket_connect_timeout is unset (no deadline; only
    // listener_filters_timeout, 15 s, bounds the ClientHello), HAProxy's `timeout client-hs`
    // falls back to `timeout client`; Kestrel's HandshakeTimeout is 10 s. A mesh handshake is two
    // round trips and a signature (5.6 ms p50 fresh mTLS on loopback; ~0.6 s at a 300 ms RTT),
    // so 3 s refuses nothing real while a stalled hello holds its slot 3x shorter than 10 s.
    public static readonly TimeSpan InboundHandshakeTimeout = TimeSpan.FromSeconds(3);

    // 30s for an inbound plaintext client (permissive port, or no tls section) to send its first
    // byte: Kestrel's RequestHeadersTimeout. Before, a silent caller held a slot for idle_timeout (1 h).
    public static readonly TimeSpan FirstByteTimeout = TimeSpan.FromSeconds(30);

    // 2s: a healthy peer in the same region answers a SYN in milliseconds; a dead one should fail fast.
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(2);

    // 1h: Istio's default TCP idle timeout; long enough for idle database/connection pools.
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromHours(1);

    // 30s: systemd's default TimeoutStopSec is 90s, so draining finishes well before SIGKILL.
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);

    // HTTP (L7 path): Kestrel's own defaults, kept. 30 s to receive a request's headers bounds a
    // slowloris client (Envoy's edge example uses 10 s, nginx's client_header_timeout is 60 s).
    public static readonly TimeSpan HttpRequestHeadersTimeout = TimeSpan.FromSeconds(30);

    // 130 s idle between requests: longer than clients keep idle pooled connections (.NET's
    // SocketsHttpHandler 60 s, Go's net/http 90 s), so the client, not Relay, closes an idle
    // connection and never reuses one Relay is closing.
    public static readonly TimeSpan HttpKeepAliveTimeout = TimeSpan.FromSeconds(130);

    // 64 KiB: the largest chunk GRO/GSO hand a socket at once, so one read rarely needs two
    // buffers; 4 KiB is one page; 1 MiB × 2 directions × max_connections bounds memory.
    public const int BufferSize = 65_536;
    public const int MinBufferSize = 4_096;
    public const int MaxBufferSize = 1_048_576;

    public const AppProtocol Protocol = AppProtocol.Tcp;
    public const bool MeshTls = true;

    // HTTP services: peak-EWMA, Linkerd's balancer for every service (it moves requests off a
    // slow endpoint before its callers notice: docs/benchmarks.md, the slow-endpoint scenario).
    // TCP and auto stay round-robin, as before: a connection's cost is known only when it
    // ends, so an L4 pick sees connect time and open connections, not request latency.
    public static LoadBalancing LoadBalancingFor(AppProtocol protocol) => protocol switch
    {
        AppProtocol.Http or AppProtocol.Http2 or AppProtocol.Grpc => LoadBalancing.PeakEwma,
        _ => LoadBalancing.RoundRobin,
    };

    // Discovery (dns:/srv:): a record's TTL sets the next query, clamped to [min_ttl, max_ttl] as
    // linkerd2-proxy clamps with LINKERD2_PROXY_DNS_MIN_TTL/MAX_TTL. The floor is Envoy's: a
    // STRICT_DNS cluster re-resolves every dns_refresh_rate (5000 ms) and, with respect_dns_ttl,
    // never more often than dns_min_refresh_rate (5 s), so a TTL 0 record (Consul's default
    // service_ttl, dnsmasq's default local-ttl) is not queried in a loop. The ceiling bounds how
    // long a removed endpoint can stay in rotation under a long TTL: 5 min (chosen, no anchor:
    // Envoy has none, it follows the TTL). A failed query is retried after min_ttl, as Envoy's
    // dns_failure_refresh_rate defaults to the refresh rate. The query timeout is glibc's
    // resolv.conf default (timeout:5), which DnsClient's LookupClientOptions.Timeout also uses.
    public static readonly TimeSpan DiscoveryMinTtl = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan DiscoveryMaxTtl = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan DiscoveryQueryTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Permissive without a tls section (nothing to terminate), strict with one.</summary>
    public static MtlsMode Mtls(bool tlsConfigured) => tlsConfigured ? MtlsMode.Strict : MtlsMode.Permissive;

    public static NetEndpoint ForwardTo(int port) => new(IPAddress.Loopback, port);
}
