using Relay.Tls.Identity;

namespace Relay.Core.Config;

/// <summary>mesh.yaml <c>mesh</c>: the trust domain and this host's own SPIFFE ID.</summary>
internal sealed record MeshConfig(ConfigLocation Location, Located<string>? TrustDomain, Located<SpiffeId>? Identity)
{
    /// <summary>This host's zone (locality-aware routing prefers endpoints with the same <c>zone</c>).</summary>
    public Located<string>? Zone { get; init; }
}
