using System.Collections.Frozen;
using System.Collections.Immutable;

namespace Relay.Core.Config;

/// <summary>
/// One validated, compiled mesh.yaml. Immutable: the daemon swaps whole snapshots and every
/// connection keeps the one it was accepted under, so a reload never changes a live flow.
/// </summary>
public sealed class ConfigSnapshot
{
    public required string Revision { get; init; }
    public required string SourcePath { get; init; }
    public required string SourceText { get; init; }
    public required MeshSnapshot Mesh { get; init; }
    public TlsSnapshot? Tls { get; init; }
    public required CaptureSnapshot Capture { get; init; }
    public required AdminSnapshot Admin { get; init; }
    public required LimitsSnapshot Limits { get; init; }
    public required ImmutableArray<InboundPortSnapshot> Inbound { get; init; }
    public required FrozenDictionary<int, InboundPortSnapshot> InboundByPort { get; init; }
    public required ImmutableArray<ServiceSnapshot> Services { get; init; }
    public required RouteTable Routes { get; init; }

    /// <summary>Services by name, for route backends that name another service.</summary>
    public FrozenDictionary<string, ServiceSnapshot> ServicesByName { get; init; } = FrozenDictionary<string, ServiceSnapshot>.Empty;

    /// <summary>mesh.yaml <c>listeners</c>: explicit listeners with their fixed destinations.</summary>
    public ImmutableArray<ExplicitListenerSnapshot> Listeners { get; init; } = [];

    /// <summary>mesh.yaml <c>tracing</c>; null: tracing off. A reload applies it (Tracing.TracingState).</summary>
    public TracingSnapshot? Tracing { get; init; }

    /// <summary>mesh.yaml <c>discovery</c>: resolvers and TTL bounds for the services with <c>dns:</c>/<c>srv:</c>.</summary>
    public DiscoverySnapshot Discovery { get; init; } = DiscoverySnapshot.Default;
}
