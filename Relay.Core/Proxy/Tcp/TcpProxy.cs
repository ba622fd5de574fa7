using System.Diagnostics;
using System.Net.Sockets;
using Relay.Core.Connections;
using Relay.Core.Mtls;
using Relay.Core.Transport;
using Relay.Core.Upstreams;
using Relay.Core.Vocabulary;

namespace Relay.Core.Proxy.Tcp;

/// <summary>
/// The L4 path: connect (or reuse a pooled relay/2 connection) → secure upstream (outbound mTLS)
/// → copy both ways. The client side arrives already secured: plaintext, or the terminated mesh
/// stream (<see cref="SecuredStream"/>; a relay/2 <see cref="MeshChannel"/> carries many streams).
/// </summary>
internal sealed class TcpProxy(ActiveConfigHolder config, ConnectionRegistry registry, ConnectionRecorder recorder)
{
    public Task<CloseReason> ServeAsync(Socket client, SecuredStream clientSide, UpstreamTarget target, ActiveConnection connection, ActiveConfig active, ConnectionRecord record) =>
        clientSide.Channel is { } channel
            ? ServeChannelAsync(client, channel, target, connection, active, record)
            : ServeOneAsync(client, clientSide.Stream!, target, connection, active, record);

    /// <summary>Forwards one stream from the client side; on failure the client end is reset.</summary>
    private async Task<CloseReason> ServeOneAsync(
        Socket client, Stream clientStream, UpstreamTarget target, ActiveConnection connection, ActiveConfig active, ConnectionRecord record)
    {
        var bufferSize = active.Snapshot.Limits.BufferSize;
        await using var clientEnd = new ConnectionEnd(client, clientStream, bufferSize);
        // The TLS material of the config this stream runs under, read with it.
        var reason = await ForwardAsync(clientEnd, target, connection, active.Tls, bufferSize, record).ConfigureAwait(false);
        if (reason != CloseReason.Completed)
        {
            // Before disposal closes it gracefully: the app must see a reset, not an empty reply.
            clientEnd.Reset();
        }
        return reason;
    }

    /// <summary>
    /// Inbound relay/2: the streams of one mesh connection, one after another, each an app
    /// connection of its own with its own access line. Each is judged against the config and
    /// policy current when it starts; a refusal resets the whole mesh connection, as relay/1 would.
    /// </summary>
    private async Task<CloseReason> ServeChannelAsync(
        Socket client, MeshChannel channel, UpstreamTarget target, ActiveConnection connection, ActiveConfig active, ConnectionRecord record)
    {
        var destination = record.Destination!.Value;
        while (true)
        {
            record.MeshStream = channel.Streams;
            var reason = await ServeOneAsync(client, channel, target, connection, active, record).ConfigureAwait(false);
            if (reason != CloseReason.Completed || !channel.IsReusable)
            {
                return reason;
            }
            recorder.Closed(record);
            record.Finished = true;
            if (!await NextStreamAsync(channel, connection).ConfigureAwait(false))
            {
                return CloseReason.Completed;
            }
            record.NextStream(Stopwatch.GetTimestamp());
            // Numbered now, so a stream refused before it is served is logged as itself.
            record.MeshStream = channel.Streams;
            recorder.Opened(Direction.Inbound);
            // Each stream is a new app connection: it reads the config once, when it starts.
            active = config.Current;
            var (next, refusal) = TargetResolver.Inbound(destination, active);
            if (next?.InboundPort is not { } port)
            {
                return next is null ? refusal : CloseReason.InboundPortNotDeclared;
            }
            recorder.Routed(record, next.ServiceName);
            var verdict = MeshChannelPolicy.Judge(channel, port, active.Tls);
            record.Policy = port.Allow is null ? "-" : verdict == CloseReason.PolicyDenied ? "deny" : verdict == CloseReason.Completed ? "allow" : "-";
            if (verdict != CloseReason.Completed)
            {
                return verdict;
            }
            if (!port.Routes.IsEmpty)
            {
                // A reload gave the port per-route authorization: an opaque stream cannot be judged per request.
                return CloseReason.AuthzNoRoute;
            }
            connection.IdleTimeout = next.IdleTimeout;
            target = next;
        }
    }

    /// <summary>Waits, idle, for the caller's next stream; false when it closes, the wait times out or the daemon drains.</summary>
    private async Task<bool> NextStreamAsync(MeshChannel channel, ActiveConnection connection)
    {
        connection.IdleTimeout = MeshConnectionPool.ServerIdleTimeout;
        connection.Activity.Touch();
        connection.OnAbort(channel.Reset);
        return await channel.AcceptStreamAsync(registry.Draining).ConfigureAwait(false);
    }

    /// <summary>
    /// A service's connection counts against its circuit_breakers.max_connections from before the
    /// connect to the end of the copy; over the limit the client is refused (reset) at once.
    /// </summary>
    private async Task<CloseReason> ForwardAsync(ConnectionEnd clientEnd, UpstreamTarget target, ActiveConnection connection, MeshTlsRuntime? tls, int bufferSize, ConnectionRecord record)
    {
        if (target.Cluster is not { } cluster)
        {
            return await ForwardAdmittedAsync(clientEnd, target, connection, tls, bufferSize, record).ConfigureAwait(false);
        }
        if (!cluster.Breakers.TryOpenConnection())
        {
            return CloseReason.UpstreamOverflowConnections;
        }
        try
        {
            return await ForwardAdmittedAsync(clientEnd, target, connection, tls, bufferSize, record).ConfigureAwait(false);
        }
        finally
        {
            cluster.Breakers.CloseConnection();
        }
    }

    private async Task<CloseReason> ForwardAdmittedAsync(ConnectionEnd clientEnd, UpstreamTarget target, ActiveConnection connection, MeshTlsRuntime? tls, int bufferSize, ConnectionRecord record)
    {
        if (OutboundSecurity.Applies(target.Service, tls))
        {
            return await ForwardMeshAsync(clientEnd, target, connection, tls!, bufferSize, record).ConfigureAwait(false);
        }
        var upstream = await ConnectAsync(target, target.Cluster is null ? null : target.PickOrder(record.Client), record).ConfigureAwait(false);
        if (upstream.Socket is null)
        {
            return upstream.Failure;
        }
        using var lease = Lease(target, upstream.Index, upstream.Elapsed);
        await using var upstreamEnd = ConnectionEnd.ForSocket(upstream.Socket, bufferSize);
        return await CopyAsync(clientEnd, upstreamEnd, connection, record).ConfigureAwait(false);
    }

    /// <summary>
    /// Outbound to a mesh service: an idle relay/2 connection to the endpoint the balancer picked
    /// if the pool has one, else connect and handshake (and pool the connection afterwards).
    /// </summary>
    private async Task<CloseReason> ForwardMeshAsync(ConnectionEnd clientEnd, UpstreamTarget target, ActiveConnection connection, MeshTlsRuntime tls, int bufferSize, ConnectionRecord record)
    {
        var order = target.PickOrder(record.Client);
        if (order.Length == 0)
        {
            // A dns:/srv: service before its first resolved answer has no endpoint to try.
            return CloseReason.NoHealthyEndpoint;
        }
        // Read once: the handshake below and the pool key must name the same material.
        var credentials = tls.Store.Current;
        var key = new MeshPoolKey(target.Cluster!.Endpoints[order[0]], target.Service!.Identities, credentials);
        var channel = tls.Pool.TryTake(key);
        EndpointLease? lease = null;
        if (channel is not null)
        {
            record.Endpoint = key.Endpoint;
            record.Locality = target.Cluster.LocalityOf(key.Endpoint);
            record.Tls = channel.Facts;
            lease = Lease(target, order[0], null);
        }
        else
        {
            var upstream = await ConnectAsync(target, order, record).ConfigureAwait(false);
            if (upstream.Socket is null)
            {
                return upstream.Failure;
            }
            lease = Lease(target, upstream.Index, upstream.Elapsed);
            var secured = await OutboundSecurity.SecureAsync(upstream.Socket, upstream.Endpoint!.Value, target.Service, tls, credentials, record).ConfigureAwait(false);
            if (secured.Stream is null)
            {
                if (TlsFailure.Is(secured.Failure))
                {
                    target.Cluster!.Report(upstream.Index, EndpointOutcome.TlsFailed, Environment.TickCount64);
                }
                lease?.Dispose();
                upstream.Socket.Dispose();
                return secured.Failure;
            }
            if (secured.Channel is not { } fresh)
            {
                // relay/1 peer: one app connection for this TLS connection.
                using var legacyLease = lease;
                await using var legacyEnd = new ConnectionEnd(upstream.Socket, secured.Stream, bufferSize);
                return await CopyAsync(clientEnd, legacyEnd, connection, record).ConfigureAwait(false);
            }
            var pool = tls.Pool;
            var freshKey = key with { Endpoint = upstream.Endpoint.Value };
            fresh.OnReusable = c => pool.Return(freshKey, c);
            channel = fresh;
        }
        using var held = lease;
        try
        {
            await channel.OpenStreamAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (TransportFailure.Is(ex))
        {
            channel.Reset();
            return CloseReason.UpstreamReset;
        }
        record.MeshStream = channel.Streams;
        await using var upstreamEnd = new ConnectionEnd(channel.Socket, channel, bufferSize);
        return await CopyAsync(clientEnd, upstreamEnd, connection, record).ConfigureAwait(false);
    }

    /// <summary>
    /// The connection counts as in flight on its endpoint until it ends (least-request, peak-EWMA);
    /// a fresh connect's duration is the L4 latency sample (Linkerd's TCP balancer sees no more).
    /// </summary>
    private static EndpointLease? Lease(UpstreamTarget target, int index, TimeSpan? connectTime)
    {
        if (target.Cluster is null || index < 0)
        {
            return null;
        }
        var lease = target.Cluster.StateOf(index).Begin();
        if (connectTime is { } rtt)
        {
            lease.Observe(rtt);
        }
        return lease;
    }

    private async Task<UpstreamConnectResult> ConnectAsync(UpstreamTarget target, int[]? order, ConnectionRecord record)
    {
        var upstream = await target.ConnectAsync(order, recorder, CancellationToken.None).ConfigureAwait(false);
        record.Endpoint = upstream.Endpoint;
        record.Locality = target.Cluster?.LocalityOf(upstream.Endpoint);
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
}
