using Relay.Tests.Http;
using Relay.Tests.Lifecycle;
using Xunit.Abstractions;

namespace Relay.Tests.Routing;

/// <summary>
/// Blue-green through the real lifecycle: an edit of mesh.yaml (picked up by the file watcher)
/// moves all traffic from blue to green at once, and `relay config rollback` moves it back, both
/// while a load runs, with no failed request.
/// </summary>
[Trait("Tier", "Loopback")]
public sealed class BlueGreenLoopbackTests(ITestOutputHelper output)
{
    private static string Yaml(LifecycleFixture f, int blue, int green, int blueWeight) => $$"""
        mesh: { trust_domain: mesh.test }
        capture: { outbound_port: {{f.OutboundPort}}, inbound_port: {{f.InboundPort}}, run_as: "0", ipv6: false }
        admin: { address: "127.0.0.1:{{f.AdminPort}}" }
        services:
          svc:
            port: {{LifecycleFixture.VirtualService.Port}}
            addresses: [{{LifecycleFixture.VirtualService.Address}}]
            mesh_tls: false
            protocol: http
            endpoints:
              - { address: "127.0.0.1:{{blue}}", labels: { track: blue } }
              - { address: "127.0.0.1:{{green}}", labels: { track: green } }
            routes:
              - backends: [{ subset: { track: blue }, weight: {{blueWeight}} }, { subset: { track: green }, weight: {{100 - blueWeight}} }]

        """;

    [Fact]
    public async Task FlipToGreen_ThenRollback_UnderLoad_ZeroFailures()
    {
        await using var blue = await UpstreamApp.StartAsync();
        await using var green = await UpstreamApp.StartAsync();
        await using var f = new LifecycleFixture();
        await f.StartAsync(Yaml(f, blue.Port, green.Port, 100));
        // 6 workers every 25 ms: 240 req/s offered through the capture listener.
        await using var load = RequestLoad.Paced(new Uri($"http://127.0.0.1:{f.OutboundPort}/port"), 6, TimeSpan.FromMilliseconds(25), TimeSpan.FromSeconds(90));
        await Task.Delay(TimeSpan.FromSeconds(1));

        await File.WriteAllTextAsync(f.ConfigPath, Yaml(f, blue.Port, green.Port, 0));
        var flipped = await f.WaitForAppliedAsync();
        var blueAtFlip = await Settled(blue);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(blueAtFlip, blue.Requests);
        var greenAtRollback = green.Requests;

        var rollback = await ConfigCommandTests.RunAsync("config", "rollback", "--config", f.ConfigPath, "--state-dir", f.StateDirectory);
        Assert.True(rollback.Exit == 0, rollback.Output + rollback.Error);
        var greenSettled = await Settled(green);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(greenSettled, green.Requests);
        await load.StopAsync();

        output.WriteLine($"{load.Sent} requests at {load.RequestsPerSecond:F0} req/s, {load.Failed} failed; blue {blue.Requests}, green {green.Requests} (green from flip to rollback: {greenAtRollback})");
        Assert.True(load.Failed == 0, $"{load.Failed} of {load.Sent} failed: {load.FailureSample}");
        Assert.Equal(load.Sent, blue.Requests + green.Requests);
        Assert.NotEqual(flipped.RunningRevision, f.Runtime.Current.Revision);
        Assert.True(greenAtRollback > 100 && blue.Requests > blueAtFlip + 100, $"blue {blue.Requests}, green {green.Requests}");
    }

    /// <summary>The request count once it has stopped growing for 300 ms (the last in-flight requests landed).</summary>
    private static async Task<int> Settled(UpstreamApp app)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        var last = app.Requests;
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(300);
            if (app.Requests == last)
            {
                return last;
            }
            last = app.Requests;
        }
        Assert.Fail($"requests to port {app.Port} kept arriving for 10 s");
        return last;
    }
}
