using System.CommandLine;
using System.Net;
using System.Text.RegularExpressions;
using Relay.Daemon.Commands;
using Relay.Tests.Http;
using Relay.Tests.Support;

namespace Relay.Tests.Daemon;

/// <summary>relay stat and relay top against a running daemon's admin port, with traffic flowing while they measure.</summary>
[Trait("Tier", "Loopback")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class StatCommandDaemonTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("relay-stat-").FullName;

    [Fact]
    public async Task StatAndTop_AgainstARunningRelay_ShowTheTrafficOfTheirWindow()
    {
        await using var app = await UpstreamApp.StartAsync();
        // All at once: consecutive FreePorts.Next() calls can return the same port.
        var ports = FreePorts.Distinct(4);
        int listener = ports[2], admin = ports[3];
        var config = Path.Combine(_dir, "mesh.yaml");
        File.WriteAllText(config, $$"""
            mesh: { trust_domain: mesh.test }
            capture: { outbound_port: {{ports[0]}}, inbound_port: {{ports[1]}}, ipv6: false }
            admin: { address: "127.0.0.1:{{admin}}" }
            services:
              orders: { port: 80, endpoints: ["127.0.0.1:{{app.Port}}"], mesh_tls: false, protocol: http }
            listeners:
              - { address: "127.0.0.1:{{listener}}", direction: outbound, service: orders }
            """);
        await using var relay = DaemonProcess.Start(_dir, config);
        await relay.WaitForDatagramAsync(m => m.StartsWith("READY=1", StringComparison.Ordinal));
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{listener}/"), Timeout = DaemonProcess.Wait };
        using var stop = new CancellationTokenSource();
        // Bounded in count and time: at most 2000 requests, ended when both commands are done.
        var traffic = Task.Run(async () =>
        {
            for (var i = 0; i < 2000 && !stop.IsCancellationRequested; i++)
            {
                Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(i % 4 == 0 ? "proto" : "hello")).StatusCode);
                await Task.Delay(10);
            }
        });

        var (statCode, stat, _) = await RunAsync("stat", "--admin", $"127.0.0.1:{admin}", "--window", "2s");
        var (topCode, top, _) = await RunAsync("top", "--admin", $"127.0.0.1:{admin}", "--interval", "2s", "--iterations", "1");
        await stop.CancelAsync();
        await traffic;

        Assert.Equal(ExitCodes.Ok, statCode);
        Assert.StartsWith("DIRECTION  SERVICE  SUCCESS", stat);
        var row = StatRow().Match(stat);
        Assert.True(row.Success, stat);
        Assert.True(double.Parse(row.Groups["rps"].Value, System.Globalization.CultureInfo.InvariantCulture) > 0, stat);
        Assert.Equal(ExitCodes.Ok, topCode);
        var lines = top.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("DIRECTION  SERVICE  METHOD  PATH", lines[0]);
        // /hello gets three requests in four: the busiest path, first.
        Assert.Matches(@"^outbound\s+orders\s+GET\s+/hello\s+\d+\s+\d+\.\d\s+100\.00%$", lines[1]);
        Assert.Matches(@"^outbound\s+orders\s+GET\s+/proto\s", lines[2]);
    }

    [Fact]
    public async Task Stat_NoRelayListening_ExitsOneAndSaysWhy()
    {
        var (code, _, error) = await RunAsync("stat", "--admin", $"127.0.0.1:{FreePorts.Next()}", "--window", "100ms");

        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains("cannot read http://127.0.0.1:", error);
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        var root = new RootCommand { StatCommand.CreateStat(), StatCommand.CreateTop() };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    [GeneratedRegex(@"^outbound\s+orders\s+100\.00%\s+(?<rps>\d+\.\d)\s+\d+(\.\d+)?ms\s+\d+(\.\d+)?ms\s+\d+$", RegexOptions.Multiline)]
    private static partial Regex StatRow();

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
