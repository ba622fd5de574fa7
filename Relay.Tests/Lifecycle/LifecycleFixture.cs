using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Relay.Core.Config;
using Relay.Core.Iptables;
using Relay.Core.Lifecycle;
using Relay.Core.Net;
using Relay.Core.Observability;
using Relay.Core.Runtime;
using Relay.Tests.Support;

namespace Relay.Tests.Lifecycle;

/// <summary>
/// A real RelayRuntime on loopback driven by a real ConfigLifecycle over a mesh.yaml in a temp dir.
/// iptables is replaced by a recorder that notes, for each ruleset applied, which revision was
/// running at that moment (so tests can check the order of rules and swap). Every connection's
/// original destination is <see cref="VirtualService"/>, so routing follows the config.
/// </summary>
internal sealed class LifecycleFixture : IAsyncDisposable
{
    /// <summary>The address apps "dial": service svc claims it in every config the tests write.</summary>
    public static readonly IPEndPoint VirtualService = new(IPAddress.Parse("198.18.10.1"), 9000);

    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private readonly DirectoryInfo _dir = System.IO.Directory.CreateTempSubdirectory("relay-lifecycle-");
    private readonly ConcurrentQueue<ReloadReport> _reports = new();
    private readonly CapturingLoggerProvider _log = new();
    private readonly RelayMetrics _metrics = new();
    private RelayRuntime _runtime = null!;

    public LifecycleFixture()
    {
        OutboundPort = FreePorts.Next();
        InboundPort = FreePorts.Next();
        AdminPort = FreePorts.Next();
        ConfigPath = Path.Combine(_dir.FullName, "mesh.yaml");
        StateDirectory = Path.Combine(_dir.FullName, "state");
        Exporter = new PrometheusExporter(_metrics.Meter);
    }

    public int OutboundPort { get; }
    public int InboundPort { get; }
    public int AdminPort { get; }
    public string ConfigPath { get; }
    public string Directory => _dir.FullName;
    public string StateDirectory { get; }
    public PrometheusExporter Exporter { get; }
    public RelayRuntime Runtime => _runtime;
    public ConfigLifecycle Lifecycle { get; private set; } = null!;
    public RecordingNotifier Notifier { get; } = new();
    public ConcurrentQueue<(string Rules, string RunningRevision)> RuleApplies { get; } = new();
    public bool FailRules { get; set; }
    public IReadOnlyList<ReloadReport> Reports => [.. _reports];

    /// <summary>A valid mesh.yaml: service svc → <paramref name="endpoint"/>, the given inbound ports and policy.</summary>
    public string Yaml(string endpoint, int[]? inbound = null, string policy = "passthrough", int? outboundPort = null) => $$"""
        mesh: { trust_domain: mesh.test }
        capture: { outbound_port: {{outboundPort ?? OutboundPort}}, inbound_port: {{InboundPort}}, run_as: "0", outbound_policy: {{policy}}, ipv6: false }
        admin: { address: "127.0.0.1:{{AdminPort}}" }
        inbound: [{{string.Join(", ", (inbound ?? []).Select(p => $"{{ port: {p} }}"))}}]
        services:
          svc: { port: {{VirtualService.Port}}, addresses: [{{VirtualService.Address}}], endpoints: ["{{endpoint}}"], mesh_tls: false }
        """;

    public async Task StartAsync(string yaml, bool watch = true, int historyLimit = 10, bool followCapture = true)
    {
        await File.WriteAllTextAsync(ConfigPath, yaml);
        var snapshot = ConfigLoader.LoadFile(ConfigPath);
        Assert.True(snapshot.IsValid, string.Join("\n", snapshot.Errors));
        var destination = new OriginalDestination(NetEndpoint.From(VirtualService));
        var (created, errors) = RelayRuntime.Create(snapshot.Snapshot!, _metrics, _log.CreateFactory(), (Socket _, out OriginalDestination d) =>
        {
            d = destination;
            return true;
        });
        Assert.True(created is not null, string.Join("\n", errors));
        _runtime = created;
        await _runtime.StartAsync();
        var capture = followCapture ? CaptureFollower.Following(_runtime.Current, RecordRules, _ => 0) : CaptureFollower.Disabled();
        var options = new ReloadOptions { StateDirectory = StateDirectory, HistoryLimit = historyLimit };
        Lifecycle = new ConfigLifecycle(ConfigPath, _runtime, options, capture, Notifier, _log.CreateLogger("test"));
        Lifecycle.Reloaded += _reports.Enqueue;
        Lifecycle.Start(watch);
    }

    /// <summary>Waits for the n-th reload report (1-based) and returns it.</summary>
    public async Task<ReloadReport> WaitForReportAsync(int count)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (_reports.Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"only {_reports.Count} reloads within {Wait}, expected {count}");
            await Task.Delay(20);
        }
        return Reports[count - 1];
    }

    /// <summary>Waits for the first Applied reload report after <paramref name="after"/> (or from the start) and returns it.</summary>
    public async Task<ReloadReport> WaitForAppliedAsync(ReloadReport? after = null)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            var reports = Reports;
            var start = after is null ? 0 : reports.ToList().IndexOf(after) + 1;
            if (reports.Skip(start).FirstOrDefault(r => r.Outcome == ReloadOutcome.Applied) is { } applied)
            {
                return applied;
            }
            Assert.True(DateTime.UtcNow < deadline, $"no applied reload within {Wait}: {string.Join("; ", reports.Select(r => $"{r.Outcome} {string.Join(", ", r.Errors)}"))}");
            await Task.Delay(20);
        }
    }

    /// <summary>Long enough for a second, spurious reload to show up: debounce + two polls.</summary>
    public static Task SettleAsync() => Task.Delay(ConfigFileWatcher.DefaultDebounce + ConfigFileWatcher.DefaultPoll * 2);

    /// <summary>Connects through the outbound listener and echoes a few bytes; null when refused or reset.</summary>
    public async Task<string?> EchoThroughRelayAsync(string text)
    {
        try
        {
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, OutboundPort));
            await SocketIo.SendAllAsync(client, System.Text.Encoding.ASCII.GetBytes(text));
            client.Shutdown(SocketShutdown.Send);
            var back = await SocketIo.ReadToEndAsync(client, Wait);
            return back.Length == 0 ? null : System.Text.Encoding.ASCII.GetString(back);
        }
        catch (SocketException)
        {
            return null;
        }
    }

    public string Scrape() => Exporter.Scrape();

    /// <summary>Everything the runtime and the lifecycle logged.</summary>
    public IReadOnlyList<string> LogMessages => _log.Messages;

    private IptablesResult RecordRules(CaptureRuleset ruleset)
    {
        RuleApplies.Enqueue((CaptureRules.Print(ruleset), _runtime.Current.Revision));
        return FailRules ? new IptablesResult(["iptables-restore failed (exit 4): simulated"]) : IptablesResult.Success;
    }

    public async ValueTask DisposeAsync()
    {
        Lifecycle?.Dispose();
        if (_runtime is not null)
        {
            await _runtime.DisposeAsync();
        }
        Exporter.Dispose();
        _metrics.Dispose();
        _log.Dispose();
        _dir.Delete(recursive: true);
    }
}

/// <summary>Records sd_notify calls in order.</summary>
internal sealed class RecordingNotifier : IReloadNotifier
{
    private readonly ConcurrentQueue<string> _messages = new();

    public IReadOnlyList<string> Messages => [.. _messages];

    public void Reloading() => _messages.Enqueue("RELOADING=1");

    public void Ready(string status) => _messages.Enqueue($"READY=1 STATUS={status}");
}
