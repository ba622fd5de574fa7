using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Relay.Core.Admin;

/// <summary>
/// Kestrel limits for the admin port (issue 17 §3). Any local user can connect to it, and with
/// Kestrel's defaults 64 idle sockets (the old connection cap) blinded /live, /ready and
/// /metrics for 131 s (KeepAliveTimeout 130 s + the 1 s heartbeat) and partial headers for 31 s
/// (RequestHeadersTimeout 30 s): a liveness probe would then restart a healthy Relay.
/// </summary>
internal static class AdminLimits
{
    /// <summary>
    /// Far above the scraper, health checker and operator's curl the port serves, so a flood
    /// of idle or half-sent connections does not fill it before the timeouts below drop them.
    /// An idle Kestrel connection costs one fd and a few KiB; the unit's LimitNOFILE has room
    /// for these on top of the proxied connections (docs/security.md).
    /// </summary>
    public const int MaxConnections = 1024;

    /// <summary>
    /// A probe or curl sends its whole request head in one segment; Kestrel's 30 s default is
    /// sized for slow WAN clients, which never reach a loopback admin port.
    /// </summary>
    public static readonly TimeSpan RequestHeadersTimeout = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Long enough for a client that sends a few requests in a row to reuse its connection;
    /// Prometheus scrapes every 15 s or more and simply reconnects (a loopback connect is ~50 µs).
    /// </summary>
    public static readonly TimeSpan KeepAliveTimeout = TimeSpan.FromSeconds(5);

    public static void Apply(KestrelServerLimits limits)
    {
        limits.MaxConcurrentConnections = MaxConnections;
        limits.MaxConcurrentUpgradedConnections = 0; // no WebSockets or upgrades on the admin port
        limits.RequestHeadersTimeout = RequestHeadersTimeout;
        limits.KeepAliveTimeout = KeepAliveTimeout;
    }
}
