using Relay.Tls.Identity;

namespace Relay.Core.Config;

/// <summary>mesh.yaml <c>mesh</c>: the trust domain and this host's own SPIFFE ID.</summary>
internal sealed record MeshConfig(ConfigLocation Location, Located<string>? TrustDomain, Located<SpiffeId>? Identity);
