using Relay.Core.Config;
using Relay.Core.Net;
using System.Net;
using Relay.Core.Upstreams;
using Relay.Core.Upstreams.Balancing;

namespace Relay.Core.Connections;

/// <summary>
/// What a connection should be forwarded to, decided before connecting: a service's cluster
/// or one fixed endpoint (passthrough, inbound app), with the timeouts and the policy that apply.
/// </summary>
internal sealed record UpstreamTarget(
    string? ServiceName,
    ClusterState? Cluster,
    NetEndpoint? Endpoint,
    TimeSpan ConnectTimeout,
    TimeSpan IdleTimeout,
    InboundPortSnapshot? InboundPort = null)
{
    /// <summary>What mesh.yaml says this target speaks: the inbound port's or the service's <c>protocol</c>; passthrough is TCP.</summary>
    public AppProtocol Protocol => InboundPort?.Protocol ?? Service?.Protocol ?? AppProtocol.Tcp;

    /// <summary>
    /// The mesh service being called (outbound), which decides upstream TLS: always the definition
    /// of the snapshot the connection runs under, never the one its cluster state was first built
    /// for (a reload that changes only identities, mesh_tls or timeouts keeps the cluster's state).
    /// </summary>
    public ServiceSnapshot? Service { get; private init; }

    public static UpstreamTarget ForCluster(ServiceSnapshot service, ClusterState cluster) =>
        new(service.Name, cluster, null, service.ConnectTimeout, service.IdleTimeout) { Service = service };

    public static UpstreamTarget ForEndpoint(string? name, NetEndpoint endpoint, TimeSpan connectTimeout, TimeSpan idleTimeout) =>
        new(name, null, endpoint, connectTimeout, idleTimeout);

    public static UpstreamTarget ForInbound(InboundPortSnapshot port, TimeSpan connectTimeout) =>
        new($"inbound:{port.Port}", null, port.ForwardTo, connectTimeout, port.IdleTimeout, port);

    /// <summary>The cluster's pick order for one connection from <paramref name="client"/> (the ring-hash key when the service hashes).</summary>
    public int[] PickOrder(EndPoint? client) =>
        Cluster!.PickOrder(PickContext.Now(Cluster.Service.HashOn is not null && client is IPEndPoint ip ? RingHashBalancer.Hash(ip.Address) : null));

    /// <param name="order">The cluster's pick order when the caller already drew it (to look in the mesh pool first); null draws one.</param>
    public Task<UpstreamConnectResult> ConnectAsync(int[]? order, IConnectAttemptSink attempts, CancellationToken cancellationToken) =>
        Cluster is not null
            ? UpstreamConnector.ConnectAsync(Cluster, order ?? Cluster.PickOrder(Environment.TickCount64), ConnectTimeout, attempts, cancellationToken)
            : UpstreamConnector.ConnectAsync(Endpoint!.Value, ServiceName ?? "passthrough", ConnectTimeout, attempts, cancellationToken);
}
