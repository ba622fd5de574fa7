using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Relay.Tests.Root.Infrastructure;

namespace Relay.Tests.Root;

/// <summary>
/// Three hosts sharing one mesh CA, built once per test class: A and B run Relay with mTLS, C runs nothing
/// (its sockets reach B uncaptured, so a test can speak raw TLS or plaintext to B's inbound rules).
/// B serves (all apps count accepted connections, so "nothing reached the app" is checkable):
/// 8080 echo, strict, allow [A, C]; 8081 echo, strict, allow [nobody]; 9090 echo, permissive;
/// 9443 an app speaking its own TLS, permissive.
/// A calls: echo → B:8080 (expects B); denied → B:8081 (expects B); wrong-id → [B6]:8080 (expects not-b).
/// </summary>
public sealed class MtlsMeshFixture : IAsyncLifetime
{
    public const int StrictPort = 8080;
    public const int DeniedPort = 8081;
    public const int PermissivePort = 9090;
    public const int AppTlsPort = 9443;

    public static readonly string NotB = MeshIdentities.Host("not-b");

    private MeshTopology? mesh;

    internal MeshTopology Mesh => mesh ?? throw new InvalidOperationException("fixture not initialised");

    internal TestCa Ca { get; } = TestCa.Create();

    internal X509Certificate2 AppCertificate { get; } = CreateAppCertificate();

    internal RelayProcess RelayA { get; private set; } = null!;

    internal RelayProcess RelayB { get; private set; } = null!;

    internal EchoServer StrictApp { get; private set; } = null!;

    internal EchoServer DeniedApp { get; private set; } = null!;

    internal EchoServer PermissiveApp { get; private set; } = null!;

    internal TlsEchoServer AppTls { get; private set; } = null!;

    private TlsFileSet? tlsA;
    private TlsFileSet? tlsB;

    internal IPEndPoint B(int port) => new(Mesh.B.IPv4!, port);

    public async Task InitializeAsync()
    {
        mesh = await MeshTopology.CreateAsync(withHostC: true);
        tlsA = await TlsFileSet.CreateAsync("a", Ca.Issue(MeshIdentities.Host(Mesh.A)), Ca.Root);
        tlsB = await TlsFileSet.CreateAsync("b", Ca.Issue(MeshIdentities.Host(Mesh.B)), Ca.Root);
        StrictApp = EchoServer.Start(Mesh.B, StrictPort);
        DeniedApp = EchoServer.Start(Mesh.B, DeniedPort);
        PermissiveApp = EchoServer.Start(Mesh.B, PermissivePort);
        AppTls = TlsEchoServer.Start(Mesh.B, AppTlsPort, AppCertificate);
        RelayB = await Mesh.StartRelayAsync(Mesh.B, ServerOptions(tlsB.Paths));
        RelayA = await Mesh.StartRelayAsync(Mesh.A, ClientOptions(tlsA.Paths));
    }

    public async Task DisposeAsync()
    {
        foreach (var app in new TestServer?[] { StrictApp, DeniedApp, PermissiveApp, AppTls })
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }
        }
        if (mesh is not null)
        {
            await mesh.DisposeAsync();
        }
        tlsA?.Dispose();
        tlsB?.Dispose();
        Ca.Dispose();
        AppCertificate.Dispose();
    }

    private MeshYamlOptions ServerOptions(TlsPaths tls) => new()
    {
        Identity = MeshIdentities.Host(Mesh.B),
        Tls = tls,
        Inbound =
        [
            new InboundSpec(StrictPort, "strict", [MeshIdentities.Host(Mesh.A), MeshIdentities.Host(Mesh.C)]),
            new InboundSpec(DeniedPort, "strict", [MeshIdentities.Host("nobody")]),
            new InboundSpec(PermissivePort, "permissive"),
            new InboundSpec(AppTlsPort, "permissive"),
        ],
    };

    private MeshYamlOptions ClientOptions(TlsPaths tls)
    {
        var b = MeshIdentities.Host(Mesh.B);
        return new MeshYamlOptions
        {
            Identity = MeshIdentities.Host(Mesh.A),
            Tls = tls,
            Services =
            [
                new ServiceSpec("echo", StrictPort, [AccessLog.Format(Mesh.B.IPv4!, StrictPort)]) { MeshTls = true, Identities = [b] },
                new ServiceSpec("denied", DeniedPort, [AccessLog.Format(Mesh.B.IPv4!, DeniedPort)]) { MeshTls = true, Identities = [b] },
                new ServiceSpec("wrong-id", StrictPort, [AccessLog.Format(Mesh.B.IPv6!, StrictPort)]) { MeshTls = true, Identities = [NotB] },
            ],
        };
    }

    /// <summary>The TLS app's own certificate: self-signed, nothing to do with the mesh CA.</summary>
    private static X509Certificate2 CreateAppCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=app.b.test", key, HashAlgorithmName.SHA256);
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
    }
}
