using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Relay.Core.Config;
using Relay.Core.Mtls;
using Relay.Core.Net;
using Relay.Core.Upstreams;
using Relay.Tls.Certificates;
using Relay.Tls.Identity;

namespace Relay.Core.Http;

/// <summary>How an upstream is reached: over plaintext to an app (a local one inbound), or over relay/h2 to peer Relays.</summary>
internal enum InvokerKind
{
    /// <summary>HTTP/1.1 or h2c to the app itself, in the version the request asks for.</summary>
    App,

    /// <summary>HTTP/2 over mesh mTLS (ALPN relay/h2) to the Relay in front of each endpoint.</summary>
    Mesh,
}

/// <summary>
/// What an <see cref="Invoker"/> is built from. Two requests share an invoker (and its pooled
/// connections) only when all of it is the same: a reload that changes the endpoints, the
/// identities a mesh service must prove or the connect timeout, or a rotation of this host's mesh
/// credentials, gets a new invoker, so a new request never rides a connection made under material
/// the config no longer holds. A reload that changes none of it keeps the pools warm.
/// </summary>
internal sealed record InvokerSpec(
    string Key,
    InvokerKind Kind,
    ImmutableArray<NetEndpoint> Endpoints,
    TimeSpan ConnectTimeout,
    ClusterState? Cluster,
    string ServiceName,
    ImmutableArray<SpiffeId> Identities,
    MeshTlsRuntime? Tls,
    MeshCredentials? Credentials)
{
    // One spec per service (or inbound port) snapshot while what it was built from holds: specs
    // were built per request, with their keys formatted each time (1–2% of relay-http's bytes
    // allocated per request, dotnet-trace gc-verbose, 2026-12-02). Weak: a reload's old snapshots go.
    private static readonly ConditionalWeakTable<ServiceSnapshot, InvokerSpec> ServiceSpecs = new();
    private static readonly ConditionalWeakTable<InboundPortSnapshot, InvokerSpec> InboundSpecs = new();

    public static InvokerSpec ForService(ServiceSnapshot service, ClusterState cluster, MeshTlsRuntime? tls)
    {
        var mesh = OutboundSecurity.Applies(service, tls);
        if (ServiceSpecs.TryGetValue(service, out var cached) && ReferenceEquals(cached.Cluster, cluster)
            && (mesh
                ? cached.Kind == InvokerKind.Mesh && ReferenceEquals(cached.Tls, tls) && ReferenceEquals(cached.Credentials, tls!.Store.Current)
                : cached.Kind == InvokerKind.App))
        {
            return cached;
        }
        var spec = mesh
            ? new InvokerSpec($"mesh:{service.Name}", InvokerKind.Mesh, cluster.Endpoints, service.ConnectTimeout, cluster, service.Name, service.Identities, tls, tls!.Store.Current)
            : new InvokerSpec($"app:{service.Name}", InvokerKind.App, cluster.Endpoints, service.ConnectTimeout, cluster, service.Name, [], null, null);
        ServiceSpecs.AddOrUpdate(service, spec);
        return spec;
    }

    public static InvokerSpec ForInbound(InboundPortSnapshot port, TimeSpan connectTimeout)
    {
        if (InboundSpecs.TryGetValue(port, out var cached) && cached.ConnectTimeout == connectTimeout)
        {
            return cached;
        }
        var spec = new InvokerSpec($"inbound:{port.Port}", InvokerKind.App, [port.ForwardTo], connectTimeout, null, $"inbound:{port.Port}", [], null, null);
        InboundSpecs.AddOrUpdate(port, spec);
        return spec;
    }

    /// <summary>Whether an invoker built from <paramref name="other"/> serves this spec.</summary>
    public bool SameAs(InvokerSpec other) =>
        Key == other.Key && Kind == other.Kind && Endpoints.SequenceEqual(other.Endpoints) && ConnectTimeout == other.ConnectTimeout
        && ReferenceEquals(Cluster, other.Cluster) && Identities.SequenceEqual(other.Identities)
        && ReferenceEquals(Tls, other.Tls) && ReferenceEquals(Credentials, other.Credentials);
}
