using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Relay.Core.Upstreams;

namespace Relay.Core.Http;

/// <summary>
/// One <see cref="HttpMessageInvoker"/> per cluster (YARP's model: one client per cluster, its
/// connection pool shared by every request to that service). Its ConnectCallback ignores the
/// request URI's host and dials the endpoint Relay's balancer picks, with Relay's connect timeout
/// and passive ejection, so every new upstream connection is balanced like an L4 one.
/// A cluster rebuilt by a reload gets a new invoker; the old one goes with its cluster.
/// </summary>
internal sealed class ClusterInvokers(IConnectAttemptSink recorder)
{
    /// <summary>
    /// Idle upstream connections close after 60 s: SocketsHttpHandler's default, which YARP's
    /// client factory keeps, and below nginx's 75 s keepalive_timeout, so Relay normally closes
    /// an idle connection before the server does rather than reusing one it is closing.
    /// </summary>
    private static readonly TimeSpan PooledIdle = TimeSpan.FromSeconds(60);

    private readonly ConditionalWeakTable<ClusterState, Invoker> _byCluster = new();

    public Invoker For(ClusterState cluster) => _byCluster.GetValue(cluster, Create);

    private Invoker Create(ClusterState cluster)
    {
        var handler = new SocketsHttpHandler
        {
            // YARP's ForwarderHttpClientFactory settings: a proxy forwards what it gets, unchanged.
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ActivityHeadersPropagator = null,
            PooledConnectionIdleTimeout = PooledIdle,
            // HTTP/2 to an app: more than one connection when one hits the server's stream limit.
            EnableMultipleHttp2Connections = true,
            ConnectCallback = (context, cancellationToken) => ConnectAsync(cluster, cancellationToken),
        };
        return new Invoker(new HttpMessageInvoker(handler, disposeHandler: true), $"http://{cluster.Service.Name}.relay.invalid");
    }

    private async ValueTask<Stream> ConnectAsync(ClusterState cluster, CancellationToken cancellationToken)
    {
        var order = cluster.PickOrder(Environment.TickCount64);
        var result = await UpstreamConnector.ConnectAsync(cluster, order, cluster.Service.ConnectTimeout, recorder, cancellationToken).ConfigureAwait(false);
        if (result.Socket is null)
        {
            throw new UpstreamUnavailableException(result.Failure);
        }
        return new NetworkStream(result.Socket, ownsSocket: true);
    }

    /// <param name="Prefix">The destination prefix YARP builds request URIs from: it keys the
    /// handler's pool; the Host header is the client's own (HttpTransformer.Empty keeps it).</param>
    internal sealed record Invoker(HttpMessageInvoker Client, string Prefix);
}
