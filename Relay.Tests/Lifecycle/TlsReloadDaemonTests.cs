using System.Text;
using Relay.Core.Config;
using Relay.Tests.Runtime;
using Relay.Tests.Support;
using Relay.Tls.Certificates;

namespace Relay.Tests.Lifecycle;

/// <summary>
/// Issue 11 §2, reproduced exactly as reported, against the real daemon: an explicit inbound listener,
/// <c>--capture-rules off</c>, a port that is permissive without a <c>tls</c> section; then a SIGHUP
/// reload that adds <c>tls</c> (files from `relay ca`) and drops <c>mtls: permissive</c>, making the
/// port strict. Before the fix the reload logged "applied" and plaintext still reached the app.
/// </summary>
[Trait("Tier", "Loopback")]
public sealed class TlsReloadDaemonTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("relay-tls-reload-").FullName;

    [Fact]
    public async Task Reload_AddingTls_MakesTheStrictPortRefusePlaintext_AndTerminatesMtls()
    {
        Assert.True(CertificateAuthority.InitRoot("mesh.test", Path.Combine(_dir, "ca"), 2).Succeeded);
        Assert.True(CertificateAuthority.IssueLeaf(Path.Combine(_dir, "ca"), "spiffe://mesh.test/b", 1, Path.Combine(_dir, "b")).Succeeded);
        Assert.True(CertificateAuthority.IssueLeaf(Path.Combine(_dir, "ca"), "spiffe://mesh.test/a", 1, Path.Combine(_dir, "a")).Succeeded);
        using var app = new LoopbackEchoServer();
        var listener = FreePorts.Next();
        var port = FreePorts.Next();
        var common = $$"""
            mesh: { trust_domain: mesh.test, identity: "spiffe://mesh.test/b" }
            admin: { address: "127.0.0.1:{{FreePorts.Next()}}" }
            capture: { outbound_port: {{FreePorts.Next()}}, inbound_port: {{FreePorts.Next()}}, ipv6: false }
            listeners:
              - { address: "127.0.0.1:{{listener}}", direction: inbound, inbound_port: {{port}} }

            """;
        var config = Path.Combine(_dir, "mesh.yaml");
        await File.WriteAllTextAsync(config, common + $"inbound: [{{ port: {port}, forward_to: \"127.0.0.1:{app.EndPoint.Port}\", mtls: permissive }}]\n");
        await using var relay = await LoopbackDaemon.StartAsync(config);
        var payload = Encoding.ASCII.GetBytes("plaintext before tls");
        Assert.Equal(payload, await LoopbackMeshClient.PlaintextAsync(listener, payload));

        var b = Path.Combine(_dir, "b");
        await File.WriteAllTextAsync(config, common
            + $"tls: {{ cert: {b}/cert.pem, key: {b}/key.pem, trust_bundle: {b}/bundle.pem }}\n"
            + $"inbound: [{{ port: {port}, forward_to: \"127.0.0.1:{app.EndPoint.Port}\" }}]\n");
        var revision = ConfigLoader.LoadFile(config).Snapshot!.Revision;
        var line = await relay.ReloadAsync(revision);
        Assert.Contains($"applied revision {revision}", line);

        var refused = await LoopbackMeshClient.PlaintextAsync(listener, Encoding.ASCII.GetBytes("plaintext after tls"));
        Assert.True(refused.Length == 0, $"plaintext reached the app after the port became strict:\n{relay}");
        Assert.NotNull(await relay.WaitForLineAsync(l => l.Contains("reason=strict_mode_plaintext_refused", StringComparison.Ordinal)));
        var mtls = await LoopbackMeshClient.ExchangeAsync(listener, Path.Combine(_dir, "a"), Encoding.ASCII.GetBytes("over mtls"));
        Assert.True(mtls.Echoed(Encoding.ASCII.GetBytes("over mtls")), $"{mtls}\n{relay}");
        Assert.Equal("spiffe://mesh.test/b", mtls.ServerSpiffeId);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
