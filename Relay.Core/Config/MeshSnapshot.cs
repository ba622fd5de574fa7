namespace Relay.Core.Config;

/// <summary>This host's place in the mesh: the trust domain and its own SPIFFE ID.</summary>
public sealed record MeshSnapshot(string TrustDomain, string? Identity);
