using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Relay.Core.Capture;
using Relay.Core.Net;
using Relay.Core.Config;
using Relay.Core.Listeners;
using Relay.Core.Routing;
using Relay.Core.Transport;

namespace Relay.Core.Connections;

/// <summary>
/// The data path for one accepted connection, one stage per line:
/// admit → original destination → loop guard → resolve target → connect → copy → record.
/// </summary>
internal sealed partial class ConnectionHandler(
    ActiveConfigHolder config, ConnectionRegistry registry, ConnectionRecorder recorder, DestinationResolver resolveDestination, ILogger logger)
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
        OriginalDestination destination;
        if (listener.FixedDestination is { } fixedTo)
        {
            destination = fixedTo;
        }
        else if (!resolveDestination(client, out destination))
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
        var connectStarted = Stopwatch.GetTimestamp();
        var upstream = await target.ConnectAsync(CancellationToken.None).ConfigureAwait(false);
        record.Endpoint = upstream.Endpoint;
        recorder.UpstreamConnect(target.ServiceName ?? "passthrough", Stopwatch.GetElapsedTime(connectStarted), upstream.Socket is not null);
        if (upstream.Socket is null)
        {
            return upstream.Failure;
        }
        return await CopyAsync(client, upstream.Socket, connection, active.Snapshot.Limits.BufferSize, record).ConfigureAwait(false);
    }

    private static async Task<CloseReason> CopyAsync(Socket client, Socket upstream, ActiveConnection connection, int bufferSize, ConnectionRecord record)
    {
        await using var clientEnd = ConnectionEnd.ForSocket(client, bufferSize);
        await using var upstreamEnd = ConnectionEnd.ForSocket(upstream, bufferSize);
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
