using System.Net.Sockets;
using System.Text;
using Relay.Tests.Runtime;
using Relay.Tests.Support;
using Relay.Tls.Certificates;

namespace Relay.Tests.Mtls;

/// <summary>
/// What a pooled relay/2 connection may be reused for after the caller's material or config changes:
/// never under credentials or a service definition that differ from the ones it was made for.
/// </summary>
[Trait("Tier", "Loopback")]
public sealed class MeshReloadLoopbackTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Rotation_OfTheCallersCredentials_ClosesPooledConnections_NextCallHandshakesAgain()
    {
        using var echo = new LoopbackEchoServer();
        using var tap = new ClientHelloTap();
        await using var pair = await MeshPairLoopback.StartAsync(echo.EndPoint, tap: tap);
        Assert.Equal("one", await CallAsync(pair, "one"));
        await pair.LogA.WaitForAccessLineAsync(l => l.EndsWith("tls_stream=1", StringComparison.Ordinal), Wait);
        Assert.Single(tap.ResumptionAttempts);

        var a2 = Path.Combine(pair.Directory, "a2");
        Assert.True(CertificateAuthority.IssueLeaf(Path.Combine(pair.Directory, "ca"), "spiffe://mesh.test/a", 1, a2).Succeeded);
        foreach (var file in new[] { "key.pem", "cert.pem" })
        {
            File.Copy(Path.Combine(a2, file), Path.Combine(pair.Directory, "a", file), overwrite: true);
        }
        var rotated = pair.A.Tls!.Store.Reload();
        Assert.True(rotated is { Succeeded: true }, string.Join("; ", rotated?.Errors ?? []));

        Assert.Equal("two", await CallAsync(pair, "two"));
        // A second ClientHello: the pooled connection made with the old leaf was not reused.
        Assert.Equal(2, tap.ResumptionAttempts.Count);
        var second = await pair.LogB.WaitForAccessLineAsync(l => l.Contains("direction=inbound") && l.Contains("up=3 "), Wait);
        Assert.EndsWith("tls_stream=1", second);
    }

    [Fact]
    public async Task Reload_TurningMeshTlsOffForAServiceWithTheSameEndpoints_TakesEffect()
    {
        using var echo = new LoopbackEchoServer();
        await using var pair = await MeshPairLoopback.StartAsync(echo.EndPoint);
        Assert.Equal("mtls", await CallAsync(pair, "mtls"));
        await pair.LogA.WaitForAccessLineAsync(l => l.Contains("tls=TLSv1.3"), Wait);

        var plain = pair.YamlA.Replace("identities: [", "mesh_tls: false, identities: [", StringComparison.Ordinal);
        Assert.NotEqual(pair.YamlA, plain);
        Assert.Empty(await pair.A.ApplyAsync(TestConfigs.Load(plain)));

        // B's port is strict, so plaintext from A is refused there: proof that A no longer spoke TLS.
        Assert.Equal("", await CallAsync(pair, "plain"));
        var line = await pair.LogA.WaitForAccessLineAsync(l => l.Contains("up=5 ") || (l.Contains("tls=-") && l.Contains("service=app")), Wait);
        Assert.Contains("tls=-", line);
        await pair.LogB.WaitForAccessLineAsync(l => l.Contains("reason=strict_mode_plaintext_refused"), Wait);
    }

    [Fact]
    public async Task Reload_OfTheServersBundleToANewCa_RefusesTheNextStreamOnAConnectionMadeUnderTheOldOne()
    {
        using var echo = new LoopbackEchoServer();
        await using var pair = await MeshPairLoopback.StartAsync(echo.EndPoint);
        Assert.Equal("one", await CallAsync(pair, "one"));
        await pair.LogA.WaitForAccessLineAsync(l => l.EndsWith("tls_stream=1", StringComparison.Ordinal), Wait);

        // B now trusts only a new CA (and presents a leaf from it); A's certificate is from the old one.
        var ca2 = Path.Combine(pair.Directory, "ca2");
        var b2 = Path.Combine(pair.Directory, "b2");
        Assert.True(CertificateAuthority.InitRoot("mesh.test", ca2, 2).Succeeded);
        Assert.True(CertificateAuthority.IssueLeaf(ca2, "spiffe://mesh.test/b", 1, b2).Succeeded);
        var yamlB = pair.YamlB.Replace(Path.Combine(pair.Directory, "b") + "/", b2 + "/", StringComparison.Ordinal);
        Assert.NotEqual(pair.YamlB, yamlB);
        Assert.Empty(await pair.B.ApplyAsync(TestConfigs.Load(yamlB)));

        // A reuses its pooled connection (B sees a second stream on it); B re-checks A against the new bundle and resets it.
        Assert.Equal("", await CallAsync(pair, "two"));
        await pair.LogB.WaitForAccessLineAsync(l => l.Contains("reason=tls_peer_certificate_invalid") && l.EndsWith("tls_stream=2", StringComparison.Ordinal), Wait);
        await pair.LogA.WaitForAccessLineAsync(l => l.Contains("reason=upstream_reset") && l.EndsWith("tls_stream=2", StringComparison.Ordinal), Wait);
    }

    private static async Task<string> CallAsync(MeshPairLoopback pair, string text)
    {
        try
        {
            using var client = await pair.ConnectToAAsync();
            await SocketIo.SendAllAsync(client, Encoding.ASCII.GetBytes(text));
            client.Shutdown(SocketShutdown.Send);
            return Encoding.ASCII.GetString(await SocketIo.ReadToEndAsync(client, Wait));
        }
        catch (SocketException)
        {
            return "";
        }
    }
}
