using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Relay.Core.Observability;
using Relay.Core.Upstreams;
using Relay.Core.Vocabulary;

namespace Relay.Core.Connections;

/// <summary>Emits the one access-log event and the metrics for a finished connection.</summary>
internal sealed partial class ConnectionRecorder(ILogger logger, RelayMetrics metrics, TrafficStats? stats = null) : IConnectAttemptSink
{
    // Once per 10 s: enough to see that it is still happening, and the count says how much.
    private readonly LogThrottle _exhaustedLog = new(TimeSpan.FromSeconds(10), TimeProvider.System);

    // The same for refusals at a connection limit: a flood refuses thousands a second, each with
    // its access line; the warning says which limit, once per 10 s, per limit and direction.
    private readonly LogThrottle[] _limitLogs = [.. Enumerable.Range(0, 4).Select(_ => new LogThrottle(TimeSpan.FromSeconds(10), TimeProvider.System))];

    public void Opened(Direction direction) => metrics.ConnectionOpened(direction);

    /// <summary>The route stage chose <paramref name="service"/> (outbound) or <c>inbound:PORT</c>.</summary>
    public void Routed(ConnectionRecord record, string? service)
    {
        record.Service = service;
        if (service is not null && record.ActiveService is null)
        {
            record.ActiveService = service;
            metrics.ServiceConnectionStarted(record.Direction, service);
            stats?.ConnectionStarted(record.Direction, service);
        }
    }

    public void Attempted(string service, TimeSpan elapsed, bool succeeded) => metrics.UpstreamConnect(service, elapsed, succeeded);

    public void Closed(ConnectionRecord record)
    {
        var duration = Stopwatch.GetElapsedTime(record.StartedAt);
        metrics.ConnectionClosed(record.Direction, record.Reason, record.BytesToUpstream, record.BytesToClient, duration, record.Service, record.Locality);
        if (record.ActiveService is { } active)
        {
            metrics.ServiceConnectionEnded(record.Direction, active);
            stats?.ConnectionEnded(record.Direction, active);
            record.ActiveService = null;
        }
        if (record.Reason == CloseReason.ResourceExhausted && _exhaustedLog.TryEnter(out var suppressed))
        {
            LogExhausted(logger, suppressed);
        }
        if (record.Reason is CloseReason.MaxConnectionsExceeded or CloseReason.SourceLimitExceeded)
        {
            // Counted above, summarised here, and no access line each: Relay.Bench flood has B
            // refuse ~10,000 connections in a one-second burst every 10 s, and a line each would
            // spend journald's default per-service rate limit (RateLimitBurst=10000 per 30 s) in
            // one burst, so journald would drop the real access lines after it. HAProxy likewise
            // does not log a connection that `tcp-request connection reject` refuses.
            if (_limitLogs[(record.Reason == CloseReason.SourceLimitExceeded ? 2 : 0) + (int)record.Direction].TryEnter(out var refused))
            {
                LogLimitReached(logger, record.Direction.Label(), record.Reason.Label(), refused);
            }
            return;
        }
        LogAccess(
            logger,
            record.Direction.Label(),
            record.Client?.ToString() ?? "-",
            record.Destination?.ToString() ?? "-",
            record.Service ?? "-",
            record.Endpoint?.ToString() ?? "-",
            record.BytesToUpstream,
            record.BytesToClient,
            (long)duration.TotalMilliseconds,
            record.Reason.Label(),
            record.Protocol.Label(),
            record.Detected ?? "-",
            record.Tls?.Version ?? "-",
            record.Tls?.Cipher ?? "-",
            record.Tls?.Alpn ?? "-",
            record.Tls?.Peer.ToString() ?? "-",
            record.Policy ?? "-",
            record.TlsDetail ?? "-",
            record.MeshStream?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-");
    }

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning,
        Message = "out of file descriptors or socket buffers (EMFILE/ENFILE/ENOBUFS): connections close as resource_exhausted; {Suppressed} more since the last report; raise LimitNOFILE or lower limits.max_connections")]
    private static partial void LogExhausted(ILogger logger, long suppressed);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning,
        Message = "{Direction} connection refused as {Reason} (limits.max_{Direction}_connections or limits.max_unauthenticated_per_source); {Suppressed} more since the last report")]
    private static partial void LogLimitReached(ILogger logger, string direction, string reason, long suppressed);

    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "access direction={Direction} client={Client} dst={Destination} service={Service} endpoint={Endpoint} up={BytesToUpstream} down={BytesToClient} duration_ms={DurationMs} reason={Reason} protocol={Protocol} detect={Detect} tls={TlsVersion} cipher={Cipher} alpn={Alpn} peer={PeerIdentity} policy={Policy} tls_error={TlsError} tls_stream={TlsStream}")]
    private static partial void LogAccess(ILogger logger, string direction, string client, string destination, string service,
        string endpoint, long bytesToUpstream, long bytesToClient, long durationMs, string reason, string protocol, string detect,
        string tlsVersion, string cipher, string alpn, string peerIdentity, string policy, string tlsError, string tlsStream);
}
