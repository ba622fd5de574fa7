namespace Relay.Tests.Root.Infrastructure;

/// <summary>The trust domain and SPIFFE IDs the mTLS Root tests give their hosts.</summary>
internal static class MeshIdentities
{
    /// <summary>Same trust domain as <see cref="MeshYamlOptions"/> renders in <c>mesh.trust_domain</c>.</summary>
    public const string TrustDomain = "mesh.test";

    public static string Host(string label) => $"spiffe://{TrustDomain}/host/{label}";

    public static string Host(NetnsHost host) => Host(host.Label);
}
