namespace Relay.Tests.Root.Infrastructure;

/// <summary>The mesh.yaml shapes of the two-host mTLS tests: A calls service echo on B:8080 over mesh TLS.</summary>
internal static class MtlsConfigs
{
    /// <summary>A's Relay: identity A, its TLS files, service echo → B:8080 expecting B's SPIFFE ID.</summary>
    public static MeshYamlOptions Client(MeshTopology mesh, TlsPaths tls, params ServiceSpec[] moreServices) => new()
    {
        Identity = MeshIdentities.Host(mesh.A),
        Tls = tls,
        Services =
        [
            new ServiceSpec("echo", MeshConfigs.ServicePort, [AccessLog.Format(mesh.B.IPv4!, MeshConfigs.ServicePort)])
            {
                MeshTls = true,
                Identities = [MeshIdentities.Host(mesh.B)],
            },
            .. moreServices,
        ],
    };

    /// <summary>B's Relay: identity B, its TLS files, the given inbound ports (strict, no allow list, by default).</summary>
    public static MeshYamlOptions Server(MeshTopology mesh, TlsPaths tls, params InboundSpec[] inbound) => new()
    {
        Identity = MeshIdentities.Host(mesh.B),
        Tls = tls,
        Inbound = inbound.Length > 0 ? inbound : [new InboundSpec(MeshConfigs.ServicePort, "strict")],
    };
}
