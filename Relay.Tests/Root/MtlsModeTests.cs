using System.Net.Sockets;
using System.Text;
using Relay.Tests.Root.Infrastructure;
using Relay.Tls.MeshTls;

namespace Relay.Tests.Root;

/// <summary>
/// Inbound modes (issue 3): strict refuses anything that is not mesh mTLS; permissive terminates mesh mTLS and
/// passes plaintext and the app's own TLS (no relay ALPN) to the app unchanged. Callers are on host C, which
/// runs no Relay, so what B's inbound rules capture is exactly what the test sent.
/// </summary>
[Trait("Tier", "Root")]
[Collection(RootCollection.Name)]
public sealed class MtlsModeTests(MtlsMeshFixture fixture) : IClassFixture<MtlsMeshFixture>
{
    [Fact]
    public async Task Strict_PlaintextFromHostWithoutRelay_RefusedAndAppSeesNothing()
    {
        RootRequirement.Assert();
        ReadOutcome? reply = null;

        var outcome = await MtlsRejection.AssertRefusedAsync(fixture.RelayB, "inbound", "strict_mode_plaintext_refused", fixture.StrictApp,
            async () =>
            {
                using var socket = await fixture.Mesh.C.ConnectAsync(fixture.B(MtlsMeshFixture.StrictPort), TcpExchange.DefaultTimeout);
                await socket.SendAsync(Marker("strict"), SocketFlags.None);
                socket.Shutdown(SocketShutdown.Send);
                reply = await TcpExchange.ReadOutcomeAsync(socket, 1024, TcpExchange.DefaultTimeout);
            });

        Assert.Empty(reply!.Data);
        Assert.Equal(MtlsAccessLog.None, outcome.Line.Tls());
    }

    [Fact]
    public async Task Permissive_Plaintext_PassesToAppUnchanged()
    {
        RootRequirement.Assert();
        var payload = Marker("plain");
        var before = fixture.RelayB.AccessLines.Count;
        var accepted = fixture.PermissiveApp.AcceptedFrom.Count;

        var echo = await TcpExchange.EchoAsync(fixture.Mesh.C, fixture.B(MtlsMeshFixture.PermissivePort), payload);

        Assert.Equal(payload, echo);
        Assert.Equal(accepted + 1, fixture.PermissiveApp.AcceptedFrom.Count);
        var line = await MtlsAccessLog.SingleNewLineAsync(fixture.RelayB, before);
        Assert.Equal(("completed", MtlsAccessLog.None, MtlsAccessLog.None), (line.Reason, line.Tls(), line.Peer()));
        Assert.Equal((payload.Length, payload.Length), ((int)line.Up, (int)line.Down));
    }

    [Fact]
    public async Task Permissive_AppsOwnTlsWithoutRelayAlpn_PassesThroughToAppUnchanged()
    {
        RootRequirement.Assert();
        var payload = Marker("app-tls");
        var before = fixture.RelayB.AccessLines.Count;
        var accepted = fixture.AppTls.AcceptedFrom.Count;

        var probe = await TlsProbe.ExchangeAsync(fixture.Mesh.C, fixture.B(MtlsMeshFixture.AppTlsPort), "http/1.1", null, payload);

        Assert.True(probe.Echoed(payload), $"{probe}\n{fixture.RelayB}");
        // The handshake was the app's own: its certificate, not Relay's mesh certificate.
        Assert.Equal(fixture.AppCertificate.Thumbprint, probe.ServerCertificate?.Thumbprint);
        Assert.Equal(accepted + 1, fixture.AppTls.AcceptedFrom.Count);
        var line = await MtlsAccessLog.SingleNewLineAsync(fixture.RelayB, before);
        Assert.Equal((MtlsAccessLog.None, MtlsAccessLog.None), (line.Tls(), line.Peer()));
    }

    [Fact]
    public async Task Permissive_MeshTlsCaller_IsTerminatedAndAppGetsPlaintext()
    {
        RootRequirement.Assert();
        using var cert = fixture.Ca.Issue(MeshIdentities.Host("c"));
        var payload = Marker("permissive-mesh");
        var before = fixture.RelayB.AccessLines.Count;

        var probe = await TlsProbe.ExchangeAsync(fixture.Mesh.C, fixture.B(MtlsMeshFixture.PermissivePort), MeshAlpn.Token, cert, payload);

        Assert.True(probe.Echoed(payload), $"{probe}\n{fixture.RelayB}");
        Assert.Equal(MeshAlpn.Token, probe.NegotiatedAlpn);
        Assert.NotEqual(fixture.AppCertificate.Thumbprint, probe.ServerCertificate?.Thumbprint);
        var line = await MtlsAccessLog.SingleNewLineAsync(fixture.RelayB, before);
        Assert.Equal((MtlsAccessLog.Tls13, MeshIdentities.Host("c")), (line.Tls(), line.Peer()));
    }

    private static byte[] Marker(string what) => Encoding.ASCII.GetBytes($"mode-{what}-{Guid.NewGuid():N}");
}
