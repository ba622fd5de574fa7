using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Relay.Tests.Root.Infrastructure;
using Relay.Tls.MeshTls;

namespace Relay.Tests.Root;

/// <summary>
/// Certificate rotation without restarts (issue 3): Relay watches its cert, key and bundle files; a valid new
/// set is swapped in for new handshakes while live connections continue, an invalid set is rejected and the
/// old one stays in use. Traffic runs throughout: a fresh connection every 100 ms and one long transfer.
/// </summary>
[Trait("Tier", "Root")]
[Collection(RootCollection.Name)]
public sealed class MtlsRotationTests
{
    private const int EchoPort = MeshConfigs.ServicePort;
    private const int SinkPort = 8081;
    private const string Rotations = "relay_tls_rotations_total";
    private const string Expiry = "relay_tls_cert_expiry_timestamp_seconds";

    /// <summary>Relay notices a change within its 200 ms debounce, or at worst its 5 s poll; 20 s absorbs a loaded VM.</summary>
    private static readonly TimeSpan RotationTimeout = TimeSpan.FromSeconds(20);

    /// <summary>How long a handful of load connections may take (10/s nominal).</summary>
    private static readonly TimeSpan TrafficTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Distinct lifetimes per generation, so the expiry gauge tells which leaf a Relay is using.</summary>
    private static readonly TimeSpan[] Lifetimes = [TimeSpan.FromDays(10), TimeSpan.FromDays(20), TimeSpan.FromDays(25)];

    [Fact]
    public async Task Rotation_SameCaThenNewCaUnderTraffic_NoFailedConnectionsAndNewHandshakesUseNewCertificates()
    {
        RootRequirement.Assert();
        await using var mesh = await MeshTopology.CreateAsync(withHostC: true);
        using var ca1 = TestCa.Create();
        using var ca2 = TestCa.Create();
        using var probeCert = ca1.Issue(MeshIdentities.Host(mesh.C));
        using var tlsA = await TlsFileSet.CreateAsync("a", ca1.Issue(MeshIdentities.Host(mesh.A), Lifetimes[0]), ca1.Root);
        using var tlsB = await TlsFileSet.CreateAsync("b", ca1.Issue(MeshIdentities.Host(mesh.B), Lifetimes[0]), ca1.Root);
        await using var echo = EchoServer.Start(mesh.B, EchoPort, maxConnections: 4000);
        await using var sink = HashSink.Start(mesh.B, SinkPort);
        var (relayA, relayB) = await StartPairAsync(mesh, tlsA, tlsB);
        await using var load = ConnectionLoad.Start(mesh.A, new IPEndPoint(mesh.B.IPv4!, EchoPort));
        await using var transfer = await OpenEndedTransfer.StartAsync(mesh.A, new IPEndPoint(mesh.B.IPv4!, SinkPort));
        var rig = new Rig(mesh, relayA, relayB, tlsA, tlsB, load, probeCert);
        await rig.AssertTrafficFlowsAsync(3);

        await rig.RotateLeavesAsync(ca1, Lifetimes[1], ca1.Root);
        await rig.PublishBundleAsync(ca1.Root, ca2.Root);
        await rig.RotateLeavesAsync(ca2, Lifetimes[2], ca1.Root, ca2.Root);

        Assert.False(transfer.EndedEarly, $"the long transfer broke during rotation: {transfer.Error}\n{rig}");
        var result = await transfer.FinishAsync();
        await load.StopAsync();
        Assert.True(result.Intact, $"long transfer: sent {result.SentBytes} bytes, sink saw {result.ReceivedBytes}, " +
            $"hash match {result.SentHash.AsSpan().SequenceEqual(result.ReceivedHash)} ({transfer.Error})\n{rig}");
        Assert.True(load.Failures.Count == 0, $"connections failed during rotation: {load}\n{rig}");
        await AssertNoFailedHandshakesAsync(mesh.A);
        await AssertNoFailedHandshakesAsync(mesh.B);
    }

    [Fact]
    public async Task Rotation_KeyNotMatchingCertificate_RejectedOldCertificateKeptAndTrafficFlows()
    {
        RootRequirement.Assert();
        await using var mesh = await MeshTopology.CreateAsync();
        using var ca = TestCa.Create();
        var (idA, idB) = (MeshIdentities.Host(mesh.A), MeshIdentities.Host(mesh.B));
        using var a1 = ca.Issue(idA, Lifetimes[0]);
        using var b1 = ca.Issue(idB, Lifetimes[0]);
        using var stranger = ca.Issue(idB, Lifetimes[1]);
        using var tlsA = await TlsFileSet.CreateAsync("a", a1, ca.Root);
        using var tlsB = await TlsFileSet.CreateAsync("b", b1, ca.Root);
        await using var echo = EchoServer.Start(mesh.B, EchoPort, maxConnections: 4000);
        var (relayA, relayB) = await StartPairAsync(mesh, tlsA, tlsB);
        await using var load = ConnectionLoad.Start(mesh.A, new IPEndPoint(mesh.B.IPv4!, EchoPort));
        await AssertTrafficFlowsAsync(load, 3, relayA, relayB);

        var rotatedBefore = SuccessfulRotations(await MetricsScrape.GetAsync(mesh.B));
        await tlsB.ReplaceKeyAsync(stranger);
        var scrape = await MetricsScrape.WaitForAsync(mesh.B, s => RejectedRotations(s) >= 1, RotationTimeout);

        Assert.True(RejectedRotations(scrape) >= 1,
            $"no rejected rotation counted ({Rotations}{{result!=\"success\"}}) after key.pem stopped matching cert.pem:\n{scrape}\n{relayB}");
        Assert.Equal(rotatedBefore, SuccessfulRotations(scrape));
        Assert.Equal(UnixExpiry(b1), scrape.Sum(Expiry));
        await AssertTrafficFlowsAsync(load, 5, relayA, relayB);
        await load.StopAsync();
        Assert.True(load.Failures.Count == 0, $"connections failed after the invalid replacement: {load}\n{relayA}\n{relayB}");
        await AssertNoFailedHandshakesAsync(mesh.B);
    }

    private static async Task<(RelayProcess A, RelayProcess B)> StartPairAsync(MeshTopology mesh, TlsFileSet tlsA, TlsFileSet tlsB)
    {
        var relayB = await mesh.StartRelayAsync(mesh.B, MtlsConfigs.Server(mesh, tlsB.Paths,
            new InboundSpec(EchoPort, "strict"), new InboundSpec(SinkPort, "strict")));
        var sink = new ServiceSpec("sink", SinkPort, [AccessLog.Format(mesh.B.IPv4!, SinkPort)])
        {
            MeshTls = true,
            Identities = [MeshIdentities.Host(mesh.B)],
        };
        var relayA = await mesh.StartRelayAsync(mesh.A, MtlsConfigs.Client(mesh, tlsA.Paths, sink));
        return (relayA, relayB);
    }

    private static async Task AssertTrafficFlowsAsync(ConnectionLoad load, int count, RelayProcess relayA, RelayProcess relayB) =>
        Assert.True(await load.WaitForMoreSuccessesAsync(count, TrafficTimeout),
            $"fewer than {count} new connections succeeded within {TrafficTimeout.TotalSeconds} s: {load}\n{relayA}\n{relayB}");

    private static async Task WaitForCertificateInUseAsync(RelayProcess relay, X509Certificate2 leaf)
    {
        var expected = UnixExpiry(leaf);
        var scrape = await MetricsScrape.WaitForAsync(relay.Host, s => s.Sum(Expiry) == expected, RotationTimeout);
        Assert.True(scrape.Sum(Expiry) == expected,
            $"relay@{relay.Host.Label} still not using the new certificate (serial {leaf.SerialNumber}, {Expiry} {expected}):\n{scrape}\n{relay}");
    }

    private static async Task WaitForSuccessfulRotationsAsync(RelayProcess relay, double expected)
    {
        var scrape = await MetricsScrape.WaitForAsync(relay.Host, s => SuccessfulRotations(s) >= expected, RotationTimeout);
        Assert.True(SuccessfulRotations(scrape) >= expected,
            $"relay@{relay.Host.Label} did not reload the new bundle ({Rotations}{{result=\"success\"}} < {expected}):\n{scrape}\n{relay}");
    }

    private static async Task AssertNoFailedHandshakesAsync(NetnsHost host)
    {
        var scrape = await MetricsScrape.GetAsync(host);
        Assert.True(scrape.Sum(MtlsRejection.HandshakesTotal, ("result", "failure")) == 0,
            $"failed handshakes counted on {host.Label}:\n{scrape}");
    }

    private static double SuccessfulRotations(MetricsScrape scrape) => scrape.Sum(Rotations, ("result", "success"));

    /// <summary>The contract names the label value "failure"; anything but "success" counts as a rejected set.</summary>
    private static double RejectedRotations(MetricsScrape scrape) => scrape.SumExcept(Rotations, "result", "success");

    private static double UnixExpiry(X509Certificate2 leaf) =>
        new DateTimeOffset(leaf.NotAfter.ToUniversalTime()).ToUnixTimeSeconds();

    /// <summary>The running pair under rotation, with the steps of the rotation test.</summary>
    private sealed record Rig(
        MeshTopology Mesh, RelayProcess A, RelayProcess B, TlsFileSet TlsA, TlsFileSet TlsB, ConnectionLoad Load, X509Certificate2 ProbeCert)
    {
        public Task AssertTrafficFlowsAsync(int count) => MtlsRotationTests.AssertTrafficFlowsAsync(Load, count, A, B);

        /// <summary>New leaves for A and B from <paramref name="ca"/>: both Relays switch, new handshakes show B's new leaf.</summary>
        public async Task RotateLeavesAsync(TestCa ca, TimeSpan lifetime, params X509Certificate2[] bundle)
        {
            using var leafA = ca.Issue(MeshIdentities.Host(Mesh.A), lifetime);
            using var leafB = ca.Issue(MeshIdentities.Host(Mesh.B), lifetime);
            await TlsA.ReplaceAsync(leafA, bundle);
            await TlsB.ReplaceAsync(leafB, bundle);
            await WaitForCertificateInUseAsync(A, leafA);
            await WaitForCertificateInUseAsync(B, leafB);
            await AssertBPresentsAsync(leafB);
            await AssertTrafficFlowsAsync(3);
        }

        /// <summary>A new bundle on both hosts, leaves unchanged (CA rotation step one: old+new roots).</summary>
        public async Task PublishBundleAsync(params X509Certificate2[] bundle)
        {
            var rotatedA = SuccessfulRotations(await MetricsScrape.GetAsync(Mesh.A));
            var rotatedB = SuccessfulRotations(await MetricsScrape.GetAsync(Mesh.B));
            await TlsA.ReplaceBundleAsync(bundle);
            await TlsB.ReplaceBundleAsync(bundle);
            await WaitForSuccessfulRotationsAsync(A, rotatedA + 1);
            await WaitForSuccessfulRotationsAsync(B, rotatedB + 1);
            await AssertTrafficFlowsAsync(3);
        }

        /// <summary>A full handshake from host C (no resumption) shows the certificate B presents to new callers now.</summary>
        private async Task AssertBPresentsAsync(X509Certificate2 expected)
        {
            var payload = Encoding.ASCII.GetBytes($"rotation-probe-{Guid.NewGuid():N}");
            var probe = await TlsProbe.ExchangeAsync(Mesh.C, new IPEndPoint(Mesh.B.IPv4!, EchoPort), MeshAlpn.Token, ProbeCert, payload);
            Assert.True(probe.Echoed(payload), $"probe of B failed: {probe}\n{B}");
            Assert.True(probe.ServerCertificate?.Thumbprint == expected.Thumbprint,
                $"B presented {probe.ServerCertificate?.SerialNumber}, expected the new leaf {expected.SerialNumber}\n{B}");
        }

        public override string ToString() => $"{A}\n{B}";
    }
}
