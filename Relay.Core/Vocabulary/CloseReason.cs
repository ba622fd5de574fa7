namespace Relay.Core.Vocabulary;

/// <summary>
/// Why a proxied connection ended. The numeric ranges group the side at fault: 0–9 normal,
/// 10–19 client side, 20–29 upstream side, 30–39 TLS, 40–49 policy, 50–59 Relay itself,
/// 60–69 traffic management (routes, retries, timeouts, faults), 70–79 upstream admission
/// (circuit breakers, rate limits).
/// The snake_case name is the metric label and the access-log field, so names are stable API.
/// </summary>
public enum CloseReason
{
    Completed = 0,

    ClientReset = 10,
    IdleTimeout = 11,
    ClientProtocolError = 12,

    /// <summary>HTTP: the request's headers did not arrive within limits.http_request_headers_timeout (slowloris; a 408).</summary>
    RequestHeadersTimeout = 13,

    /// <summary>HTTP/1.1: Content-Length and Transfer-Encoding in one request (the smuggling shape; a 400).</summary>
    AmbiguousRequestFraming = 14,

    /// <summary>HTTP/2: the client reset streams or sent frames faster than they are served (rapid reset, floods).</summary>
    Http2Flood = 15,

    /// <summary>HTTP: the client sent its body or read the response below Kestrel's minimum data rate.</summary>
    ClientTooSlow = 16,

    /// <summary>An inbound plaintext client sent no byte within limits.first_byte_timeout.</summary>
    FirstByteTimeout = 17,

    /// <summary>HTTP: Kestrel answered 431, the request's headers over its count or total-size limit.</summary>
    RequestHeadersTooLarge = 18,

    UpstreamConnectFailed = 20,
    UpstreamConnectTimeout = 21,
    UpstreamReset = 22,

    /// <summary>HTTP: the upstream sent nothing within the request's activity timeout (a 504).</summary>
    UpstreamTimeout = 23,
    NoHealthyEndpoint = 24,

    TlsHandshakeFailed = 30,
    TlsPeerIdentityRejected = 31,
    TlsPeerCertificateInvalid = 32,

    PolicyDenied = 40,
    RegistryOnlyUnknownDestination = 41,
    StrictModePlaintextRefused = 42,
    LoopDetected = 43,
    MaxConnectionsExceeded = 44,
    InboundPortNotDeclared = 45,

    /// <summary>The caller's address already holds limits.max_unauthenticated_per_source connections that have not authenticated.</summary>
    SourceLimitExceeded = 46,

    OriginalDestinationUnavailable = 50,
    DrainDeadline = 51,
    InternalError = 52,
    ResourceExhausted = 53,

    // 60–69: traffic management (routes, retries, timeouts, faults).

    /// <summary>HTTP: the service has routes and none matched the request (a 404, as Gateway API's).</summary>
    NoRouteMatched = 60,

    /// <summary>HTTP: the route's request timeout (timeouts.request) expired before the response was complete (a 504).</summary>
    RouteTimeout = 61,

    /// <summary>HTTP: the route's fault injection aborted the request (its configured status, x-relay-error fault_injected).</summary>
    FaultInjected = 62,

    // 70–79: upstream admission (circuit breakers, local rate limits): Relay refused before connecting.

    /// <summary>The service's circuit_breakers.max_connections upstream connections are open (L4: refused connection).</summary>
    UpstreamOverflowConnections = 70,

    /// <summary>HTTP: max_requests are in flight and max_pending_requests wait already, or the wait outlasted the connect timeout (a 503).</summary>
    UpstreamOverflowRequests = 71,

    /// <summary>HTTP: the inbound port's rate_limit has no token for this request (a 429 with Retry-After).</summary>
    RateLimited = 72,

    /// <summary>The inbound port's connection_rate_limit has no token for this connection (reset at accept).</summary>
    ConnectionRateLimited = 73,

    // 63–64 (traffic management, added after 70–73): per-route inbound authorization.

    /// <summary>Inbound: the port has authorization routes and none took the request (a 403), or a connection on it is not HTTP (refused).</summary>
    AuthzNoRoute = 63,

    /// <summary>Inbound HTTP: the route that took the request does not allow the caller's SPIFFE ID, or the caller is plaintext (a 403).</summary>
    AuthzCallerDenied = 64,
}

public static class CloseReasonNames
{
    private static readonly Dictionary<CloseReason, string> Names = Enum.GetValues<CloseReason>()
        .ToDictionary(r => r, r => ToSnakeCase(r.ToString()));

    /// <summary>Stable snake_case label, e.g. <c>upstream_connect_failed</c>.</summary>
    public static string Label(this CloseReason reason) => Names[reason];

    public static bool IsError(this CloseReason reason) => reason != CloseReason.Completed;

    private static string ToSnakeCase(string name)
    {
        var builder = new System.Text.StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                builder.Append('_');
            }
            builder.Append(char.ToLowerInvariant(name[i]));
        }
        return builder.ToString();
    }
}
