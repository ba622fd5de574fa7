using System.Diagnostics;
using System.Net.Sockets;
using Relay.Core.Net;
using Relay.Core.Vocabulary;

namespace Relay.Core.Upstreams;

/// <summary>
/// Opens the TCP connection to an upstream. For a service, tries endpoints in the cluster's
/// pick order, each within the connect timeout, and records each endpoint's health and each
/// attempt's outcome and duration (<see cref="IConnectAttemptSink"/>).
/// </summary>
internal static class UpstreamConnector
{
    public static async Task<UpstreamConnectResult> ConnectAsync(
        ClusterState cluster, int[] order, TimeSpan timeout, IConnectAttemptSink attempts, CancellationToken cancellationToken)
    {
        var lastFailure = CloseReason.NoHealthyEndpoint;
        for (var i = 0; i < order.Length; i++)
        {
            // Each failover attempt is a retry: at circuit_breakers.max_retries in progress, the
            // connection fails with what it has rather than adding load to a failing service.
            if (i > 0 && !cluster.Breakers.TryRetry())
            {
                break;
            }
            var index = order[i];
            UpstreamConnectResult attempt;
            try
            {
                attempt = await ConnectAsync(cluster.Endpoints[index], cluster.Service.Name, timeout, attempts, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                if (i > 0)
                {
                    cluster.Breakers.EndRetry();
                }
            }
            if (attempt.Socket is not null)
            {
                cluster.Report(index, EndpointOutcome.Connected, Environment.TickCount64);
                return attempt with { Index = index };
            }
            if (cancellationToken.IsCancellationRequested || attempt.Failure == CloseReason.ResourceExhausted)
            {
                // Out of descriptors is Relay's state, not the endpoint's: no ejection, no failover.
                return attempt;
            }
            cluster.Report(index, EndpointOutcome.ConnectFailed, Environment.TickCount64);
            lastFailure = attempt.Failure;
        }
        return UpstreamConnectResult.Failed(lastFailure, null);
    }

    public static async Task<UpstreamConnectResult> ConnectAsync(
        NetEndpoint endpoint, string service, TimeSpan timeout, IConnectAttemptSink attempts, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var result = await ConnectAsync(endpoint, timeout, cancellationToken).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started);
        attempts.Attempted(service, elapsed, result.Socket is not null);
        return result with { Elapsed = elapsed };
    }

    private static async Task<UpstreamConnectResult> ConnectAsync(NetEndpoint endpoint, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Socket socket;
        try
        {
            socket = new Socket(endpoint.Family, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        }
        catch (SocketException ex) when (ResourceExhaustion.Is(ex))
        {
            return UpstreamConnectResult.Failed(CloseReason.ResourceExhausted, endpoint);
        }
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(endpoint.ToIPEndPoint(), timeoutSource.Token).ConfigureAwait(false);
            return UpstreamConnectResult.Connected(socket, endpoint);
        }
        catch (OperationCanceledException)
        {
            socket.Dispose();
            return UpstreamConnectResult.Failed(CloseReason.UpstreamConnectTimeout, endpoint);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            return UpstreamConnectResult.Failed(ResourceExhaustion.Is(ex) ? CloseReason.ResourceExhausted : CloseReason.UpstreamConnectFailed, endpoint);
        }
    }
}

/// <summary>A connected socket, or why none could be had.</summary>
internal readonly record struct UpstreamConnectResult(Socket? Socket, NetEndpoint? Endpoint, CloseReason Failure)
{
    /// <summary>The endpoint's index in its cluster when connected through one; -1 otherwise.</summary>
    public int Index { get; init; } = -1;

    /// <summary>How long the (last) connect attempt took.</summary>
    public TimeSpan Elapsed { get; init; }

    public static UpstreamConnectResult Connected(Socket socket, NetEndpoint endpoint) => new(socket, endpoint, CloseReason.Completed);

    public static UpstreamConnectResult Failed(CloseReason reason, NetEndpoint? endpoint) => new(null, endpoint, reason);
}
