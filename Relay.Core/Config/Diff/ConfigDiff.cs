using System.Collections.Immutable;
using static Relay.Core.Config.Diff.DiffValues;

namespace Relay.Core.Config.Diff;

/// <summary>
/// What a candidate config changes against a baseline, key by key, for <c>relay config diff</c>.
/// Both sides are compiled snapshots (the daemon's own loader and validator made them), so
/// defaults are filled in on both sides: writing a default out explicitly is no change, and a
/// changed default is. Order is the file's section order, then keys within a section, so the same
/// two files always print the same lines.
/// </summary>
public static class ConfigDiff
{
    public static ImmutableArray<ConfigChange> Compare(ConfigSnapshot before, ConfigSnapshot after)
    {
        var d = new DiffBuilder();
        Mesh(d, before.Mesh, after.Mesh);
        Tls(d, before.Tls, after.Tls);
        Capture(d, before.Capture, after.Capture);
        d.Field("admin.address", before.Admin.Address.ToString(), after.Admin.Address.ToString());
        Tracing(d, before.Tracing, after.Tracing);
        Discovery(d, before.Discovery, after.Discovery);
        Limits(d, before.Limits, after.Limits);
        d.Keyed("inbound", before.Inbound, after.Inbound, p => Invariant($"{p.Port}"), InboundSummary, Inbound);
        d.Keyed("services", before.Services, after.Services, s => s.Name, ServiceSummary, Service);
        d.Keyed("listeners", before.Listeners, after.Listeners, l => l.Address.ToString(), ListenerSummary, Listener);
        return d.Build();
    }

    private static void Mesh(DiffBuilder d, MeshSnapshot a, MeshSnapshot b)
    {
        d.Field("mesh.trust_domain", a.TrustDomain, b.TrustDomain);
        d.Field("mesh.identity", a.Identity ?? "none", b.Identity ?? "none");
        d.Field("mesh.zone", a.Zone ?? "none", b.Zone ?? "none");
    }

    private static void Tls(DiffBuilder d, TlsSnapshot? a, TlsSnapshot? b)
    {
        switch (a, b)
        {
            case (null, null):
                return;
            case (null, { } added):
                d.Added("tls", $"cert {added.CertPath}");
                return;
            case ({ } removed, null):
                d.Removed("tls", $"cert {removed.CertPath}");
                return;
        }
        d.Field("tls.cert", a!.CertPath, b!.CertPath);
        d.Field("tls.key", a.KeyPath, b.KeyPath);
        d.Field("tls.trust_bundle", a.TrustBundlePath, b.TrustBundlePath);
        d.Field("tls.min_version", a.MinVersion.ToString(), b.MinVersion.ToString());
    }

    private static void Tracing(DiffBuilder d, TracingSnapshot? a, TracingSnapshot? b)
    {
        switch (a, b)
        {
            case (null, null):
                return;
            case (null, { } added):
                d.Added("tracing", $"otlp_endpoint {added.OtlpEndpoint}");
                return;
            case ({ } removed, null):
                d.Removed("tracing", $"otlp_endpoint {removed.OtlpEndpoint}");
                return;
        }
        d.Field("tracing.otlp_endpoint", a!.OtlpEndpoint.ToString(), b!.OtlpEndpoint.ToString());
        d.Field("tracing.protocol", System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(a.Protocol.ToString()), System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(b.Protocol.ToString()));
        d.Field("tracing.sampling_ratio", Number(a.SamplingRatio), Number(b.SamplingRatio));
        d.Field("tracing.max_queue_size", Invariant($"{a.MaxQueueSize}"), Invariant($"{b.MaxQueueSize}"));
        d.Field("tracing.max_export_batch_size", Invariant($"{a.MaxExportBatchSize}"), Invariant($"{b.MaxExportBatchSize}"));
        d.Field("tracing.schedule_delay", Duration(a.ScheduleDelay), Duration(b.ScheduleDelay));
        d.Field("tracing.export_timeout", Duration(a.ExportTimeout), Duration(b.ExportTimeout));
        d.Field("tracing.service_name", a.ServiceName, b.ServiceName);
    }

    private static void Capture(DiffBuilder d, CaptureSnapshot a, CaptureSnapshot b)
    {
        d.Field("capture.outbound_port", Invariant($"{a.OutboundPort}"), Invariant($"{b.OutboundPort}"));
        d.Field("capture.inbound_port", Invariant($"{a.InboundPort}"), Invariant($"{b.InboundPort}"));
        d.Field("capture.run_as", a.RunAsUser, b.RunAsUser);
        d.Field("capture.exclude_uids", Set(a.ExcludeUids), Set(b.ExcludeUids));
        d.Field("capture.exclude_outbound_ports", Set(a.ExcludeOutboundPorts), Set(b.ExcludeOutboundPorts));
        d.Field("capture.exclude_inbound_ports", Set(a.ExcludeInboundPorts), Set(b.ExcludeInboundPorts));
        d.Field("capture.exclude_cidrs", Set(a.ExcludeCidrs), Set(b.ExcludeCidrs));
        d.Field("capture.outbound_policy", Word(a.OutboundPolicy), Word(b.OutboundPolicy));
        d.Field("capture.ipv6", Bool(a.Ipv6), Bool(b.Ipv6));
    }

    private static void Limits(DiffBuilder d, LimitsSnapshot a, LimitsSnapshot b)
    {
        d.Field("limits.max_connections", Invariant($"{a.MaxConnections}"), Invariant($"{b.MaxConnections}"));
        d.Field("limits.max_inbound_connections", Invariant($"{a.MaxInboundConnections}"), Invariant($"{b.MaxInboundConnections}"));
        d.Field("limits.max_outbound_connections", Invariant($"{a.MaxOutboundConnections}"), Invariant($"{b.MaxOutboundConnections}"));
        d.Field("limits.max_unauthenticated_per_source", Invariant($"{a.MaxUnauthenticatedPerSource}"), Invariant($"{b.MaxUnauthenticatedPerSource}"));
        d.Field("limits.inbound_handshake_timeout", Duration(a.InboundHandshakeTimeout), Duration(b.InboundHandshakeTimeout));
        d.Field("limits.first_byte_timeout", Duration(a.FirstByteTimeout), Duration(b.FirstByteTimeout));
        d.Field("limits.connect_timeout", Duration(a.ConnectTimeout), Duration(b.ConnectTimeout));
        d.Field("limits.idle_timeout", Duration(a.IdleTimeout), Duration(b.IdleTimeout));
        d.Field("limits.drain_timeout", Duration(a.DrainTimeout), Duration(b.DrainTimeout));
        d.Field("limits.buffer_size", Invariant($"{a.BufferSize}"), Invariant($"{b.BufferSize}"));
        d.Field("limits.http_request_headers_timeout", Duration(a.HttpRequestHeadersTimeout), Duration(b.HttpRequestHeadersTimeout));
        d.Field("limits.http_keep_alive_timeout", Duration(a.HttpKeepAliveTimeout), Duration(b.HttpKeepAliveTimeout));
    }

    private static string InboundSummary(InboundPortSnapshot p) => $"forward_to {p.ForwardTo}, protocol {Word(p.Protocol)}, mtls {Word(p.Mtls)}";

    private static void Inbound(DiffBuilder d, string key, InboundPortSnapshot a, InboundPortSnapshot b)
    {
        d.Field($"{key}.forward_to", a.ForwardTo.ToString(), b.ForwardTo.ToString());
        d.Field($"{key}.protocol", Word(a.Protocol), Word(b.Protocol));
        d.Field($"{key}.mtls", Word(a.Mtls), Word(b.Mtls));
        d.Field($"{key}.allow", a.Allow is { } x ? Set(x) : "absent", b.Allow is { } y ? Set(y) : "absent");
        d.Field($"{key}.idle_timeout", Duration(a.IdleTimeout), Duration(b.IdleTimeout));
        d.Field($"{key}.rate_limit", Rate(a.RateLimit), Rate(b.RateLimit));
        d.Field($"{key}.connection_rate_limit", Rate(a.ConnectionRateLimit), Rate(b.ConnectionRateLimit));
        d.Keyed($"{key}.routes", a.Routes, b.Routes, r => r.Name, AuthzSummary, AuthzRoute);
    }

    private static string AuthzSummary(InboundRoute r) => $"matches {Matches(r.Matches)}, allow {(r.Allow is { } x ? Set(x) : "any caller")}";

    private static void AuthzRoute(DiffBuilder d, string key, InboundRoute a, InboundRoute b)
    {
        d.Field($"{key}.matches", Matches(a.Matches), Matches(b.Matches));
        d.Field($"{key}.allow", a.Allow is { } x ? Set(x) : "any caller", b.Allow is { } y ? Set(y) : "any caller");
    }

    private static string Rate(RateLimitSnapshot? rate) => rate is null ? "none" : Invariant($"{rate.PerSecond} per s, burst {rate.Burst}");

    private static string ServiceSummary(ServiceSnapshot s) =>
        Invariant($"port {s.Port}, protocol {Word(s.Protocol)}, {s.Endpoints.Length} endpoints, {s.Routes.Length} routes");

    private static void Service(DiffBuilder d, string key, ServiceSnapshot a, ServiceSnapshot b)
    {
        d.Field($"{key}.port", Invariant($"{a.Port}"), Invariant($"{b.Port}"));
        d.Field($"{key}.addresses", Set(a.Addresses), Set(b.Addresses));
        d.Field($"{key}.identities", Set(a.Identities), Set(b.Identities));
        d.Field($"{key}.mesh_tls", Bool(a.MeshTls), Bool(b.MeshTls));
        d.Field($"{key}.protocol", Word(a.Protocol), Word(b.Protocol));
        d.Field($"{key}.load_balancing", Word(a.LoadBalancing), Word(b.LoadBalancing));
        d.Field($"{key}.hash_on", a.HashOn?.ToString() ?? "none", b.HashOn?.ToString() ?? "none");
        // dns:/srv: as the source string (dns:NAME:PORT, srv:NAME); "none" for listed endpoints.
        d.Field($"{key}.discovery", a.Discovery?.ToString() ?? "none", b.Discovery?.ToString() ?? "none");
        Outliers(d, $"{key}.outlier_detection", a.OutlierDetection, b.OutlierDetection);
        Breakers(d, $"{key}.circuit_breakers", a.CircuitBreakers, b.CircuitBreakers);
        d.Field($"{key}.health_check", HealthCheck(a.HealthCheck), HealthCheck(b.HealthCheck));
        d.Field($"{key}.timeouts.connect", Duration(a.ConnectTimeout), Duration(b.ConnectTimeout));
        d.Field($"{key}.timeouts.idle", Duration(a.IdleTimeout), Duration(b.IdleTimeout));
        d.Keyed($"{key}.endpoints", a.EndpointDetails, b.EndpointDetails, e => e.Address.ToString(), EndpointSummary, Endpoint);
        // Round robin walks endpoints in file order; a reorder alone changes nothing else, so say so once.
        d.Order($"{key}.endpoints", a.EndpointDetails.Select(e => e.Address.ToString()), b.EndpointDetails.Select(e => e.Address.ToString()));
        d.Keyed($"{key}.routes", a.Routes, b.Routes, r => r.Name, RouteSummary, Route);
        // First match wins, so route order is behaviour.
        d.Order($"{key}.routes", a.Routes.Select(r => r.Name), b.Routes.Select(r => r.Name));
    }

    private static void Discovery(DiffBuilder d, DiscoverySnapshot a, DiscoverySnapshot b)
    {
        // In order: the first is asked first.
        d.Field("discovery.resolvers", "[" + string.Join(", ", a.Resolvers) + "]", "[" + string.Join(", ", b.Resolvers) + "]");
        d.Field("discovery.min_ttl", Duration(a.MinTtl), Duration(b.MinTtl));
        d.Field("discovery.max_ttl", Duration(a.MaxTtl), Duration(b.MaxTtl));
        d.Field("discovery.query_timeout", Duration(a.QueryTimeout), Duration(b.QueryTimeout));
    }

    private static void Outliers(DiffBuilder d, string key, OutlierDetectionSnapshot a, OutlierDetectionSnapshot b)
    {
        d.Field($"{key}.consecutive_5xx", Invariant($"{a.Consecutive5xx}"), Invariant($"{b.Consecutive5xx}"));
        d.Field($"{key}.consecutive_gateway_errors", Invariant($"{a.ConsecutiveGatewayErrors}"), Invariant($"{b.ConsecutiveGatewayErrors}"));
        d.Field($"{key}.consecutive_connect_failures", Invariant($"{a.ConsecutiveConnectFailures}"), Invariant($"{b.ConsecutiveConnectFailures}"));
        d.Field($"{key}.base_ejection_time", Duration(a.BaseEjectionTime), Duration(b.BaseEjectionTime));
        d.Field($"{key}.max_ejection_time", Duration(a.MaxEjectionTime), Duration(b.MaxEjectionTime));
        d.Field($"{key}.max_ejection_percent", Invariant($"{a.MaxEjectionPercent}"), Invariant($"{b.MaxEjectionPercent}"));
        d.Field($"{key}.panic_threshold", Invariant($"{a.PanicThreshold}"), Invariant($"{b.PanicThreshold}"));
    }

    private static string HealthCheck(HealthCheckSnapshot? h) => h is null ? "none"
        : Invariant($"{(h.Path is { } p ? $"http GET {p} expecting {h.Statuses}" : "tcp connect")}, every {Duration(h.Interval)} (jitter {h.JitterPercent}%), timeout {Duration(h.Timeout)}, healthy after {h.HealthyThreshold}, unhealthy after {h.UnhealthyThreshold}");

    private static void Breakers(DiffBuilder d, string key, CircuitBreakersSnapshot a, CircuitBreakersSnapshot b)
    {
        d.Field($"{key}.max_connections", Invariant($"{a.MaxConnections}"), Invariant($"{b.MaxConnections}"));
        d.Field($"{key}.max_pending_requests", Invariant($"{a.MaxPendingRequests}"), Invariant($"{b.MaxPendingRequests}"));
        d.Field($"{key}.max_requests", Invariant($"{a.MaxRequests}"), Invariant($"{b.MaxRequests}"));
        d.Field($"{key}.max_retries", Invariant($"{a.MaxRetries}"), Invariant($"{b.MaxRetries}"));
    }

    private static string EndpointSummary(EndpointSnapshot e) => e.Zone is { } zone ? $"labels {Labels(e.Labels)}, zone {zone}" : $"labels {Labels(e.Labels)}";

    private static void Endpoint(DiffBuilder d, string key, EndpointSnapshot a, EndpointSnapshot b)
    {
        d.Field($"{key}.labels", Labels(a.Labels), Labels(b.Labels));
        d.Field($"{key}.zone", a.Zone ?? "none", b.Zone ?? "none");
    }

    private static string RouteSummary(RouteSnapshot r) =>
        $"matches {Matches(r.Matches)}, backends {List(r.Backends.Select(b => $"{BackendKey(b)} weight {Invariant($"{b.Weight}")}"))}";

    private static void Route(DiffBuilder d, string key, RouteSnapshot a, RouteSnapshot b)
    {
        d.Field($"{key}.matches", Matches(a.Matches), Matches(b.Matches));
        d.Keyed($"{key}.backends", a.Backends, b.Backends, BackendKey, x => Invariant($"weight {x.Weight}"), Backend);
        d.Field($"{key}.hash", Hash(a.Hash), Hash(b.Hash));
        d.Field($"{key}.timeouts.request", Duration(a.Timeouts?.Request), Duration(b.Timeouts?.Request));
        d.Field($"{key}.timeouts.per_try", Duration(a.Timeouts?.PerTry), Duration(b.Timeouts?.PerTry));
        d.Field($"{key}.timeouts.idle", Duration(a.Timeouts?.Idle), Duration(b.Timeouts?.Idle));
        d.Field($"{key}.retries", Retries(a.Retries), Retries(b.Retries));
        d.Field($"{key}.fault", Fault(a.Fault), Fault(b.Fault));
        d.Field($"{key}.rate_limit", Rate(a.RateLimit), Rate(b.RateLimit));
        d.Field($"{key}.guard", Guard(a.Guard), Guard(b.Guard));
        d.Field($"{key}.mirror", a.Mirror is { } x ? Invariant($"{BackendKey(x.Backend)} {Number(x.Percent)}%") : "none", b.Mirror is { } y ? Invariant($"{BackendKey(y.Backend)} {Number(y.Percent)}%") : "none");
    }

    /// <summary>A backend is its service and subset (<c>web{version=v2}</c>): what the weight applies to.</summary>
    private static string BackendKey(RouteBackend b) => b.Service + Labels(b.Subset);

    private static void Backend(DiffBuilder d, string key, RouteBackend a, RouteBackend b) =>
        d.Field($"{key}.weight", Invariant($"{a.Weight}"), Invariant($"{b.Weight}"));

    private static string ListenerSummary(ExplicitListenerSnapshot l) =>
        $"direction {Word(l.Direction)}, " + (l.Service is { } s ? $"service {s}" : Invariant($"inbound_port {l.InboundPort}"));

    private static void Listener(DiffBuilder d, string key, ExplicitListenerSnapshot a, ExplicitListenerSnapshot b)
    {
        d.Field($"{key}.direction", Word(a.Direction), Word(b.Direction));
        d.Field($"{key}.service", a.Service ?? "none", b.Service ?? "none");
        d.Field($"{key}.inbound_port", a.InboundPort is { } x ? Invariant($"{x}") : "none", b.InboundPort is { } y ? Invariant($"{y}") : "none");
    }
}
