using System.Runtime.CompilerServices;
using System.Collections.Immutable;
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

    /// <summary>The endpoints a route backend selected (indexes into the cluster's); default: all of them.</summary>
    public ImmutableArray<int> Subset { get; init; }

    /// <summary>The order to try this target's endpoints in: the service's balancer over <see cref="Subset"/>, without a hash key.</summary>
    public int[] PickOrder() => PickOrder(hashKey: null);

    /// <summary>The order over <see cref="Subset"/> with <paramref name="hashKey"/> for a ring-hash service (L7: its hash_on header, or the client address).</summary>
    public int[] PickOrder(ulong? hashKey) => Cluster!.PickOrder(PickContext.Now(hashKey), Subset.IsDefaultOrEmpty ? default : Subset.AsSpan());

    // One target per service (or inbound port) snapshot and cluster, not one per L7 request
    // (3.7% of relay-http's bytes allocated per request, dotnet-trace gc-verbose, 2026-12-02).
    // Targets are immutable; weak keys let a reload's old snapshots go.
    private static readonly ConditionalWeakTable<ServiceSnapshot, UpstreamTarget> ClusterTargets = new();
    private static readonly ConditionalWeakTable<InboundPortSnapshot, UpstreamTarget> InboundTargets = new();

    public static UpstreamTarget ForCluster(ServiceSnapshot service, ClusterState cluster)
    {
        if (ClusterTargets.TryGetValue(service, out var known) && ReferenceEquals(known.Cluster, cluster))
        {
            return known;
        }
        var target = new UpstreamTarget(service.Name, cluster, null, service.ConnectTimeout, service.IdleTimeout) { Service = service };
        ClusterTargets.AddOrUpdate(service, target);
        return target;
    }

    public static UpstreamTarget ForEndpoint(string? name, NetEndpoint endpoint, TimeSpan connectTimeout, TimeSpan idleTimeout) =>
        new(name, null, endpoint, connectTimeout, idleTimeout);

    public static UpstreamTarget ForInbound(InboundPortSnapshot port, TimeSpan connectTimeout)
    {
        if (InboundTargets.TryGetValue(port, out var known) && known.ConnectTimeout == connectTimeout)
        {
            return known;
        }
        var target = new UpstreamTarget($"inbound:{port.Port}", null, port.ForwardTo, connectTimeout, port.IdleTimeout, port);
        InboundTargets.AddOrUpdate(port, target);
        return target;
    }

    /// <summary>The cluster's pick order for one connection from <paramref name="client"/> (the ring-hash key when the service hashes).</summary>
    public int[] PickOrder(EndPoint? client) =>
        PickOrder(Cluster!.Service.HashOn is not null && client is IPEndPoint ip ? RingHashBalancer.Hash(ip.Address) : null);

    /// <param name="order">The cluster's pick order when the caller already drew it (to look in the mesh pool first); null draws one.</param>
    public Task<UpstreamConnectResult> ConnectAsync(int[]? order, IConnectAttemptSink attempts, CancellationToken cancellationToken) =>
        Cluster is not null
            ? UpstreamConnector.ConnectAsync(Cluster, order ?? PickOrder(), ConnectTimeout, attempts, cancellationToken)
            : UpstreamConnector.ConnectAsync(Endpoint!.Value, ServiceName ?? "passthrough", ConnectTimeout, attempts, cancellationToken);
}
