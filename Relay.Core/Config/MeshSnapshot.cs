namespace Relay.Core.Config;

/// <summary>This host's place in the mesh: the trust domain, its own SPIFFE ID, and its zone.</summary>
public sealed record MeshSnapshot(string TrustDomain, string? Identity)
{
    /// <summary><c>mesh.zone</c>: endpoints in this zone are preferred (docs/config.md, Locality); null: no preference.</summary>
    public string? Zone { get; init; }
}
