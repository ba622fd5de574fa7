using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Relay.Core.Lifecycle;
using Relay.Core.Runtime;
using Relay.Tests.Support;

namespace Relay.Tests.Lifecycle;

/// <summary>
/// admin.address follows a reload without a gap (the new address is bound before the old one
/// closes), and the admin JSON endpoints report real data from the running config.
/// </summary>
[Trait("Tier", "Loopback")]
public sealed class AdminReloadTests
{
    [Fact]
    public async Task Reload_MovingAdminAddress_ReadyNeverFailsDuringTheMove()
    {
        await using var f = new TlsReloadFixture();
        await f.StartAsync(f.Yaml(tls: null));
        var oldPort = f.AdminPort;
        var newPort = f.Spare[0];
        using var poller = new CancellationTokenSource();
        var failures = new List<string>();
        var polls = 0;
        // Old address first, the new one only if the old is gone: if the new one were bound after
        // the old closed, some poll would find neither.
        var polling = Task.Run(async () =>
        {
            var until = Stopwatch.StartNew();
            while (!poller.IsCancellationRequested && until.Elapsed < TimeSpan.FromSeconds(30))
            {
                polls++;
                if (await ReadyAsync(f, oldPort) != HttpStatusCode.OK && await ReadyAsync(f, newPort) != HttpStatusCode.OK)
                {
                    failures.Add($"poll {polls}: neither 127.0.0.1:{oldPort} nor 127.0.0.1:{newPort} answered /ready");
                }
            }
        });
        await Task.Delay(200);

        f.AdminPort = newPort;
        var report = await f.ReloadAsync(f.Yaml(tls: null));
        await Task.Delay(200);
        await poller.CancelAsync();
        await polling;

        Assert.Equal(ReloadOutcome.Applied, report.Outcome);
        Assert.Empty(failures);
        Assert.True(polls > 10, $"only {polls} polls");
        Assert.Equal(HttpStatusCode.OK, await ReadyAsync(f, newPort));
        Assert.Null(await ReadyAsync(f, oldPort));
        Assert.Equal([newPort], f.Runtime.AdminAddresses.Select(a => a.Port));
        using var config = JsonDocument.Parse((await f.GetAsync("/config")).Body);
        Assert.Equal(report.RunningRevision, config.RootElement.GetProperty("revision").GetString());
    }

    [Fact]
    public async Task Reload_AdminAddressTaken_FailsAndKeepsTheOldAddress()
    {
        await using var f = new TlsReloadFixture();
        await f.StartAsync(f.Yaml(tls: null));
        var oldPort = f.AdminPort;
        using var squatter = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        squatter.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        squatter.Listen();
        f.AdminPort = ((IPEndPoint)squatter.LocalEndPoint!).Port;

        var report = await f.ReloadAsync(f.Yaml(tls: null));

        Assert.Equal(ReloadOutcome.Failed, report.Outcome);
        Assert.Contains(report.Errors, e => e.Contains($"127.0.0.1:{f.AdminPort}", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, await ReadyAsync(f, oldPort));
        Assert.Equal([oldPort], f.Runtime.AdminAddresses.Select(a => a.Port));
    }

    [Fact]
    public async Task ClustersAndCerts_ReportTheRunningServicesEndpointHealthAndCertificate()
    {
        await using var f = new TlsReloadFixture();
        var (dead, outboundListener) = (f.Spare[0], f.Spare[1]);
        await f.StartAsync(f.Yaml(tls: "b", listener: $"{{ address: \"127.0.0.1:{outboundListener}\", direction: outbound, service: orders }}", extra: $$"""
            services:
              orders: { port: 8080, endpoints: ["127.0.0.1:{{dead}}"], mesh_tls: false }
              billing: { port: 8081, endpoints: ["127.0.0.1:{{f.App.EndPoint.Port}}"], mesh_tls: false }
            """));
        // One connection to orders' only endpoint, which refuses: its passive health records the failure.
        Assert.Empty(await LoopbackMeshClient.PlaintextAsync(outboundListener, "x"u8.ToArray()));
        await f.Log.WaitForAccessLineAsync(l => l.Contains("service=orders"), LifecycleFixture.Wait);

        using var clusters = JsonDocument.Parse((await f.GetAsync("/clusters")).Body);
        using var certs = JsonDocument.Parse((await f.GetAsync("/certs")).Body);

        var byService = clusters.RootElement.EnumerateArray().ToDictionary(c => c.GetProperty("service").GetString()!);
        Assert.Equal(["billing", "orders"], byService.Keys.Order());
        var orders = Assert.Single(byService["orders"].GetProperty("endpoints").EnumerateArray());
        Assert.Equal($"127.0.0.1:{dead}", orders.GetProperty("address").GetString());
        // Ejected for 1 s after the first failure; on a loaded machine that window may already be over.
        Assert.Equal(1, orders.GetProperty("consecutiveFailures").GetInt32());
        Assert.Contains(orders.GetProperty("ejected").ValueKind, new[] { JsonValueKind.True, JsonValueKind.False });
        var billing = Assert.Single(byService["billing"].GetProperty("endpoints").EnumerateArray());
        Assert.Equal((0, false), (billing.GetProperty("consecutiveFailures").GetInt32(), billing.GetProperty("ejected").GetBoolean()));
        Assert.Equal(TlsReloadFixture.Identity, certs.RootElement.GetProperty("spiffeId").GetString());
        Assert.Equal(f.Thumbprint("b"), certs.RootElement.GetProperty("fingerprint").GetString());
        var root = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(f.Dir("b"), "bundle.pem")));
        var trusted = Assert.Single(certs.RootElement.GetProperty("trustedRoots").EnumerateArray()).GetString();
        Assert.Contains(root.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256), trusted);
    }

    private static async Task<HttpStatusCode?> ReadyAsync(TlsReloadFixture f, int port)
    {
        try
        {
            return (await f.GetAsync("/ready", port)).Status;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
