using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Relay.Tests.Root.Infrastructure;

namespace Relay.Tests.Root;

/// <summary>
/// Three hosts, one mesh CA, Relays on A and B, nothing on C. B serves real ASP.NET Core apps:
/// 8080 HTTP/1.1 (strict, allow [A], protocol auto), 8082 h2c + gRPC (strict, allow [A], protocol
/// grpc), 8081 HTTP/1.1 (strict, allow [nobody]), 9090 HTTP/1.1 (permissive, protocol http), and
/// 2525 a server-first greeting (strict, protocol auto). A's services name each, with the matching
/// protocol (the greeting one as auto).
/// </summary>
public sealed class L7MeshFixture : IAsyncLifetime
{
    public const int WebPort = 8080;
    public const int GrpcPort = 8082;
    public const int DeniedPort = 8081;
    public const int PermissivePort = 9090;
    public const int GreetingPort = 2525;

    private MeshTopology? mesh;
    private TlsFileSet? tlsA;
    private TlsFileSet? tlsB;
    private readonly List<IAsyncDisposable> apps = [];

    internal MeshTopology Mesh => mesh ?? throw new InvalidOperationException("fixture not initialised");

    internal TestCa Ca { get; } = TestCa.Create();

    internal RelayProcess RelayA { get; private set; } = null!;

    internal RelayProcess RelayB { get; private set; } = null!;

    internal NetnsHttpApp Web { get; private set; } = null!;

    internal NetnsHttpApp Grpc { get; private set; } = null!;

    internal NetnsHttpApp Denied { get; private set; } = null!;

    internal NetnsHttpApp Permissive { get; private set; } = null!;

    internal IPEndPoint B(int port) => new(Mesh.B.IPv4!, port);

    public async Task InitializeAsync()
    {
        mesh = await MeshTopology.CreateAsync(withHostC: true);
        var (idA, idB) = (MeshIdentities.Host(Mesh.A), MeshIdentities.Host(Mesh.B));
        tlsA = await TlsFileSet.CreateAsync("a", Ca.Issue(idA), Ca.Root);
        tlsB = await TlsFileSet.CreateAsync("b", Ca.Issue(idB), Ca.Root);
        Web = await NetnsHttpApp.StartAsync(Mesh.B, WebPort, HttpProtocols.Http1);
        Grpc = await NetnsHttpApp.StartAsync(Mesh.B, GrpcPort, HttpProtocols.Http2, grpc: true);
        Denied = await NetnsHttpApp.StartAsync(Mesh.B, DeniedPort, HttpProtocols.Http1);
        Permissive = await NetnsHttpApp.StartAsync(Mesh.B, PermissivePort, HttpProtocols.Http1);
        apps.AddRange([Web, Grpc, Denied, Permissive, GreetingServer.Start(Mesh.B, GreetingPort)]);
        RelayB = await Mesh.StartRelayAsync(Mesh.B, new MeshYamlOptions
        {
            Identity = idB,
            Tls = tlsB.Paths,
            Inbound =
            [
                new InboundSpec(WebPort, "strict", [idA], "auto"),
                new InboundSpec(GrpcPort, "strict", [idA], "grpc"),
                new InboundSpec(DeniedPort, "strict", [MeshIdentities.Host("nobody")]),
                new InboundSpec(PermissivePort, "permissive", null, "http"),
                new InboundSpec(GreetingPort, "strict", null, "auto"),
            ],
        });
        RelayA = await Mesh.StartRelayAsync(Mesh.A, new MeshYamlOptions
        {
            Identity = idA,
            Tls = tlsA.Paths,
            Services =
            [
                Service("web", WebPort, "http", idB),
                Service("grpc", GrpcPort, "grpc", idB),
                Service("denied", DeniedPort, "http", idB),
                Service("greeting", GreetingPort, "auto", idB),
            ],
        });
    }

    private ServiceSpec Service(string name, int port, string protocol, string identity) =>
        new(name, port, [AccessLog.Format(Mesh.B.IPv4!, port)]) { MeshTls = true, Identities = [identity], Protocol = protocol };

    public async Task DisposeAsync()
    {
        foreach (var app in apps)
        {
            await app.DisposeAsync();
        }
        if (mesh is not null)
        {
            await mesh.DisposeAsync();
        }
        tlsA?.Dispose();
        tlsB?.Dispose();
        Ca.Dispose();
    }
}
