using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Relay.Core.Capture;
using Relay.Core.Config;
using Relay.Core.Connections;
using Relay.Core.Detect;
using Relay.Core.Http;
using Relay.Core.Listeners;
using Relay.Core.Mtls;
using Relay.Core.Net;
using Relay.Core.Proxy.Tcp;
using Relay.Core.Routing;
using Relay.Core.Vocabulary;

namespace Relay.Core.Pipeline;

/// <summary>
/// The data path for one accepted connection, one stage per line:
/// admit → original destination → loop guard → route → detect → secure client (inbound mTLS)
/// → protocol decision → proxy (Proxy/Tcp, or Http/ for HTTP) → record. Each stage returns a value; a refusal is a
/// <see cref="CloseReason"/>.
/// </summary>
internal sealed partial class ConnectionHandler(
    ActiveConfigHolder config, ConnectionRegistry registry, ConnectionRecorder recorder,
    DestinationResolver resolveDestination, HttpProxy http, ILogger logger)
{
    private readonly TcpProxy _tcp = new(config, registry, recorder);

    public async Task HandleAsync(Socket client, ListenerSpec accepted, ListenerRetirement acceptedBy)
    {
        // Config and its TLS material, read once together: this connection runs under both to the end.
        var active = config.Current;
        // An explicit listener leads wherever the config this connection runs under says.
        var listener = accepted.Under(active.Snapshot);
        var direction = listener.Direction;
        var limits = active.Snapshot.Limits;
        var record = new ConnectionRecord(direction, client.RemoteEndPoint, Stopwatch.GetTimestamp());
        recorder.Opened(direction);
        var (connection, refusal) = registry.TryOpen(direction, client, limits, acceptedBy);
        try
        {
            record.Reason = connection is null
                ? refusal
                : await ProxyAsync(client, listener, connection, active, record).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // A bug, not peer input: log it with the stack, keep serving everyone else.
            LogInternalError(logger, ex, connection?.Id ?? 0);
            record.Reason = CloseReason.InternalError;
        }
        finally
        {
            if (connection is not null)
            {
                registry.Close(connection);
            }
            CloseClient(client, record.Reason);
            if (!record.Finished)
            {
                recorder.Closed(record);
            }
        }
    }

    private async Task<CloseReason> ProxyAsync(
        Socket client, ListenerSpec listener, ActiveConnection connection, ActiveConfig active, ConnectionRecord record)
    {
        if (!TryGetDestination(client, listener, out var destination))
        {
            return CloseReason.OriginalDestinationUnavailable;
        }
        record.Destination = destination;
        if (LoopGuard.IsLoop(destination, client.LocalEndPoint, active.Snapshot))
        {
            return CloseReason.LoopDetected;
        }
        var (target, refusal) = connection.Direction == Direction.Outbound
            ? TargetResolver.Outbound(destination, active)
            : TargetResolver.Inbound(destination, active);
        if (target is null)
        {
            return refusal;
        }
        recorder.Routed(record, target.ServiceName);
        if (target.InboundPort is { } limited && !active.RateLimits.TryConnection(limited.Port))
        {
            // connection_rate_limit: refused before detection or a handshake costs anything.
            return CloseReason.ConnectionRateLimited;
        }
        connection.IdleTimeout = target.IdleTimeout;
        var detection = await DetectAsync(client, target, active.Tls).ConfigureAwait(false);
        record.Detected = detection.Label;
        var clientSide = target.InboundPort is { } port
            ? await InboundSecurity.SecureAsync(client, port, active.Tls, detection, record, active.Snapshot.Limits.InboundHandshakeTimeout).ConfigureAwait(false)
            : SecuredStream.Plain(ClientStream.Open(client, detection));
        if (clientSide.Stream is null)
        {
            return clientSide.Failure;
        }
        Admit(connection, clientSide, detection, active.Snapshot.Limits);
        record.Protocol = Decide(target, detection, clientSide);
        if (record.Protocol == ProxyProtocol.Tcp && target.InboundPort is { Routes.IsEmpty: false })
        {
            // Per-route authorization is default deny, and a byte stream has no request to judge.
            return CloseReason.AuthzNoRoute;
        }
        return record.Protocol switch
        {
            ProxyProtocol.Http1 or ProxyProtocol.Http2 => await http.ServeAsync(client, clientSide, record.Protocol, target, connection, record).ConfigureAwait(false),
            _ => await _tcp.ServeAsync(client, clientSide, Split(target, active, client, record), connection, active, record).ConfigureAwait(false),
        };
    }

    /// <summary>The L4 split of a service with routes (per connection); the access line names the backend's service.</summary>
    private static UpstreamTarget Split(UpstreamTarget target, ActiveConfig active, Socket client, ConnectionRecord record)
    {
        var split = TargetResolver.SplitConnection(target, active, (client.RemoteEndPoint as System.Net.IPEndPoint)?.Address);
        record.Service = split.ServiceName;
        return split;
    }

    /// <summary>
    /// The protocol decision, and so the path. Inside terminated mesh TLS, relay/h2 is HTTP/2 from
    /// a peer Relay, whatever the port says (the caller decided it was HTTP); the relay/1 and relay/2
    /// streams are opaque app connections. A target the L7 path does not serve (passthrough) keeps
    /// the L4 path; the access line's detect= still says what was seen.
    /// </summary>
    private static ProxyProtocol Decide(UpstreamTarget target, Detection detection, SecuredStream clientSide)
    {
        var decision = clientSide.MeshHttp2 ? ProxyProtocol.Http2
            : clientSide.Tls is null ? ProtocolDecision.Decide(target.Protocol, detection)
            : ProxyProtocol.Tcp;
        return decision != ProxyProtocol.Tcp && HttpProxy.Serves(target) ? decision : ProxyProtocol.Tcp;
    }

    /// <summary>
    /// Past the security stage: an authenticated mesh caller, or a plaintext caller that already
    /// sent bytes, frees its source's slot; a plaintext caller that has sent nothing yet must do so
    /// within limits.first_byte_timeout (issue 17 §2) instead of holding a slot for idle_timeout.
    /// </summary>
    private void Admit(ActiveConnection connection, SecuredStream clientSide, Detection detection, LimitsSnapshot limits)
    {
        var plaintext = clientSide.Tls is null && !clientSide.MeshHttp2;
        var spoke = detection.End is DetectionEnd.Recognised or DetectionEnd.BudgetSpent;
        if (connection.Direction == Direction.Inbound && plaintext && !spoke)
        {
            connection.AwaitFirstByte(limits.FirstByteTimeout);
            return;
        }
        registry.Authenticated(connection);
    }

    /// <summary>The detect stage runs when the port or service is not <c>tcp</c>, or inbound mTLS needs to see a ClientHello.</summary>
    private static Task<Detection> DetectAsync(Socket client, UpstreamTarget target, MeshTlsRuntime? tls)
    {
        var needed = ProtocolDecision.NeedsDetection(target.Protocol)
            || (target.InboundPort is not null && InboundSecurity.NeedsDetection(tls));
        return needed ? ProtocolPeeker.PeekAsync(client, ProtocolPeeker.DetectTimeout) : Task.FromResult(Detection.Skipped);
    }

    private bool TryGetDestination(Socket client, ListenerSpec listener, out OriginalDestination destination)
    {
        if (listener.FixedDestination is { } fixedTo)
        {
            destination = fixedTo;
            return true;
        }
        return resolveDestination(client, out destination);
    }

    /// <summary>Refusals and failures close with RST so the app sees an error, not an empty reply.</summary>
    private static void CloseClient(Socket client, CloseReason reason)
    {
        try
        {
            if (reason != CloseReason.Completed)
            {
                client.LingerState = new LingerOption(true, 0);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already closed by the copier or the peer.
        }
        client.Dispose();
    }

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "connection {ConnectionId} failed with an internal error")]
    private static partial void LogInternalError(ILogger logger, Exception exception, long connectionId);
}
