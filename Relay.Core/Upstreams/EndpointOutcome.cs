namespace Relay.Core.Upstreams;

/// <summary>What one use of an endpoint told its passive health.</summary>
internal enum EndpointOutcome
{
    /// <summary>A TCP connect succeeded (clears the connect-failure streak only).</summary>
    Connected,

    /// <summary>A response below 500 (clears the 5xx and gateway streaks).</summary>
    Responded,

    /// <summary>A 5xx other than 502, 503, 504.</summary>
    ServerError,

    /// <summary>A 502, 503 or 504 from the upstream, or a reset or timeout before a response (also a 5xx).</summary>
    GatewayError,

    /// <summary>The TCP connect was refused or timed out.</summary>
    ConnectFailed,

    /// <summary>The mesh TLS handshake failed (ejects at once: a wrong certificate does not fix itself in the next second).</summary>
    TlsFailed,
}

/// <summary>Why an endpoint was ejected; the metric label.</summary>
internal enum EjectionReason
{
    Consecutive5xx,
    ConsecutiveGatewayErrors,
    ConnectFailure,
    TlsFailure,
}

internal static class EjectionReasonLabels
{
    public static string Label(this EjectionReason reason) => reason switch
    {
        EjectionReason.Consecutive5xx => "consecutive_5xx",
        EjectionReason.ConsecutiveGatewayErrors => "consecutive_gateway_errors",
        EjectionReason.ConnectFailure => "connect_failure",
        _ => "tls_failure",
    };
}
