namespace Relay.Core.Observability;

/// <summary>
/// Instrument names. They are already the Prometheus names, so what an operator greps for in
/// docs/observability.md is what the code creates; the exporter only sanitises foreign names.
/// </summary>
internal static class MetricNames
{
    /// <summary>The meter name; the exporter also picks up meters whose name starts with it.</summary>
    public const string MeterName = "Relay";

    public const string ConnectionsOpened = "relay_connections_opened_total";
    public const string ConnectionsActive = "relay_connections_active";
    public const string ConnectionsClosed = "relay_connections_closed_total";
    public const string Bytes = "relay_bytes_total";
    public const string ConnectionDuration = "relay_connection_duration_seconds";
    public const string UpstreamConnect = "relay_upstream_connect_seconds";
    public const string UpstreamConnectFailures = "relay_upstream_connect_failures_total";
    public const string ConfigReloads = "relay_config_reload_total";
    public const string ConfigRevision = "relay_config_revision_info";
    public const string ConfigLastReloadSuccess = "relay_config_last_reload_success_timestamp_seconds";
    public const string BuildInfo = "relay_build_info";
    public const string Requests = "relay_requests_total";
    public const string RequestDuration = "relay_request_duration_seconds";
    public const string RequestErrors = "relay_request_errors_total";
    public const string ServiceConnections = "relay_service_connections_total";
    public const string ServiceConnectionsActive = "relay_service_connections_active";
    public const string RequestAttempts = "relay_request_attempts_total";
    public const string RequestRetries = "relay_request_retries_total";
    public const string RetryBudgetExhausted = "relay_retry_budget_exhausted_total";
    public const string CanaryGuardTrips = "relay_canary_guard_trips_total";
    public const string RequestMirrors = "relay_request_mirrors_total";

    /// <summary>1 while an endpoint passes its service's active health checks (services with a health_check only).</summary>
    public const string EndpointHealthy = "relay_endpoint_healthy";
    public const string HealthChecks = "relay_health_checks_total";

    public const string DirectionTag = "direction";
    public const string ReasonTag = "reason";
    public const string FlowTag = "flow";
    public const string ServiceTag = "service";
    public const string ResultTag = "result";
    public const string RevisionTag = "revision";
    public const string VersionTag = "version";
    public const string CodeClassTag = "code_class";
    public const string RouteTag = "route";
    public const string BackendTag = "backend";

    public const string ClientToUpstream = "client_to_upstream";
    public const string UpstreamToClient = "upstream_to_client";

    /// <summary>The service label of a connection with no service: passthrough, or refused before routing.</summary>
    public const string NoService = "-";

    /// <summary>The route label of a request no route took: its service has no <c>routes</c>, or none matched (a 404).</summary>
    public const string NoRoute = "-";

    /// <summary>The locality label (only when <c>mesh.zone</c> is set): the endpoint's zone against this host's.</summary>
    public const string LocalityTag = "locality";
    public const string SameZone = "same";
    public const string CrossZone = "cross";
    public const string NoLocality = "-";
}
