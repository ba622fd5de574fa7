using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Relay.Core.Capture;
using Relay.Core.Config;
using Relay.Core.Listeners;
using Relay.Core.Mtls;
using Relay.Core.Net;
using Relay.Core.Routing;
using Relay.Core.Transport;
using Relay.Core.Upstreams;

namespace Relay.Core.Connections;

/// <summary>
/// The data path for one accepted connection, one stage per line:
/// admit → original destination → loop guard → resolve target → secure client (inbound mTLS)
/// → connect → secure upstream (outbound mTLS) → copy → record.
/// </summary>
internal sealed partial class ConnectionHandler(
    ActiveConfigHolder config, ConnectionRegistry registry, ConnectionRecorder recorder,
    DestinationResolver resolveDestination, MeshTlsRuntime? tls, ILogger logger)
{
    public async Task HandleAsync(Socket client, ListenerSpec listener)
    {
        var direction = listener.Direction;
        var active = config.Current;
        var limits = active.Snapshot.Limits;
        var record = new ConnectionRecord(direction, client.RemoteEndPoint, Stopwatch.GetTimestamp());
        recorder.Opened(direction);
        var connection = registry.TryOpen(direction, client, limits.IdleTimeout, limits.MaxConnections);
        try
        {
            record.Reason = connection is null
                ? CloseReason.MaxConnectionsExceeded
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
            recorder.Closed(record);
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
        record.Service = target.ServiceName;
        connection.IdleTimeout = target.IdleTimeout;
        var clientSide = target.InboundPort is { } port
            ? await InboundSecurity.SecureAsync(client, port, tls, record).ConfigureAwait(false)
            : SecuredStream.Plain(new NetworkStream(client, ownsSocket: false));
        if (clientSide.Stream is null)
        {
            return clientSide.Failure;
        }
        await using var clientEnd = new ConnectionEnd(client, clientSide.Stream, active.Snapshot.Limits.BufferSize);
        var reason = await ForwardAsync(clientEnd, target, connection, active.Snapshot.Limits.BufferSize, record).ConfigureAwait(false);
        if (reason != CloseReason.Completed)
        {
            // Before disposal closes it gracefully: the app must see a reset, not an empty reply.
            clientEnd.Reset();
        }
        return reason;
    }

    private async Task<CloseReason> ForwardAsync(ConnectionEnd clientEnd, UpstreamTarget target, ActiveConnection connection, int bufferSize, ConnectionRecord record)
    {
        var upstream = await ConnectAsync(target, record).ConfigureAwait(false);
        if (upstream.Socket is null)
        {
            return upstream.Failure;
        }
        var upstreamSide = OutboundSecurity.Applies(target.Service, tls)
            ? await OutboundSecurity.SecureAsync(upstream.Socket, upstream.Endpoint!.Value, target.Service!, tls!, record).ConfigureAwait(false)
            : SecuredStream.Plain(new NetworkStream(upstream.Socket, ownsSocket: false));
        if (upstreamSide.Stream is null)
        {
            upstream.Socket.Dispose();
            return upstreamSide.Failure;
        }
        await using var upstreamEnd = new ConnectionEnd(upstream.Socket, upstreamSide.Stream, bufferSize);
        return await CopyAsync(clientEnd, upstreamEnd, connection, record).ConfigureAwait(false);
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

    private async Task<UpstreamConnectResult> ConnectAsync(UpstreamTarget target, ConnectionRecord record)
    {
        var started = Stopwatch.GetTimestamp();
        var upstream = await target.ConnectAsync(CancellationToken.None).ConfigureAwait(false);
        record.Endpoint = upstream.Endpoint;
        recorder.UpstreamConnect(target.ServiceName ?? "passthrough", Stopwatch.GetElapsedTime(started), upstream.Socket is not null);
        return upstream;
    }

    private static async Task<CloseReason> CopyAsync(ConnectionEnd clientEnd, ConnectionEnd upstreamEnd, ActiveConnection connection, ConnectionRecord record)
    {
        connection.OnAbort(() =>
        {
            clientEnd.Reset();
            upstreamEnd.Reset();
        });
        var result = await DuplexCopier.CopyAsync(clientEnd, upstreamEnd, connection.Activity).ConfigureAwait(false);
        record.BytesToUpstream = result.BytesToUpstream;
        record.BytesToClient = result.BytesToClient;
        return connection.AbortReason ?? result.Reason;
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
