using System.Diagnostics;

namespace Relay.Bench.Load;

/// <summary>
/// The targets of one run, in measurement order: direct, the Relay targets, the HAProxy targets.
/// Each proxy target gets fresh processes, so peak RSS and CPU belong to that target alone.
/// </summary>
internal sealed class TargetCatalog(BenchWorkspace workspace, ProcessGroup processes, RelayBuild relay)
{
    // HAProxy's frontends in bench/peers/haproxy.cfg.
    public const int HaproxyL4Port = 19001;
    public const int HaproxyMtlsPort = 19002;
    public const int HaproxyHttpPort = 19004;
    public const int HaproxyHttpMtlsPort = 19005;
    public const int HaproxyH2Port = 19007;
    public const int HaproxyH2MtlsPort = 19008;
    public static readonly int[] HaproxyPorts = [19001, 19002, 19003, 19004, 19005, 19006, 19007, 19008, 19009];

    // A .NET daemon is listening within ~1 s; 30 s covers a loaded shared machine.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    public IReadOnlyList<Target> Build(bool withHaproxy)
    {
        List<Target> targets =
        [
            new("direct", RelayConfigs.UpstreamPort, "no proxy: wrk → nginx", _ => Task.FromResult<IReadOnlyList<Process>>([]))
            {
                H2Port = RelayConfigs.UpstreamH2Port, Workloads = Workload.All,
            },
            new("relay-l4", RelayConfigs.L4Port, "one Relay, plain TCP", StartRelayL4Async),
            new("relay-mtls", RelayConfigs.PairOutboundPort, "Relay A → mTLS → Relay B → nginx", StartRelayPairAsync, RelayPairCaveat),
            new("relay-http", RelayConfigs.HttpPort, "one Relay, HTTP (Kestrel + YARP)", StartRelayHttpAsync)
            {
                H2Port = RelayConfigs.HttpH2Port, Workloads = Workload.L7,
            },
            new("relay-http-mtls", RelayConfigs.HttpPairOutboundPort, "Relay A → HTTP/2 over mTLS (relay/h2, pooled) → Relay B → nginx", StartRelayHttpPairAsync, RelayHttpPairCaveat)
            {
                H2Port = RelayConfigs.HttpPairOutboundH2Port, Workloads = Workload.L7,
            },
        ];
        if (withHaproxy)
        {
            targets.Add(new("haproxy-l4", HaproxyL4Port, "one HAProxy hop, mode tcp", StartHaproxyAsync));
            targets.Add(new("haproxy-mtls", HaproxyMtlsPort, "HAProxy → mTLS → HAProxy → nginx (one process)", StartHaproxyAsync));
            targets.Add(new("haproxy-http", HaproxyHttpPort, "one HAProxy hop, mode http", StartHaproxyAsync)
            {
                H2Port = HaproxyH2Port, Workloads = Workload.L7,
            });
            targets.Add(new("haproxy-http-mtls", HaproxyHttpMtlsPort, "HAProxy → HTTP/2 over mTLS (alpn h2, http-reuse always) → HAProxy → nginx, mode http (one process)", StartHaproxyAsync)
            {
                H2Port = HaproxyH2MtlsPort, Workloads = Workload.L7,
            });
        }
        return targets;
    }

    /// <summary>
    /// The targets <c>--targets</c> names (all when null). Direct, the baseline, runs only the
    /// workloads some other chosen target runs, so an L7-only run spends no time on direct's bulk.
    /// </summary>
    public static IEnumerable<Target> Select(IReadOnlyList<Target> all, IReadOnlySet<string>? names)
    {
        var chosen = all.Where(t => names?.Contains(t.Name) ?? true).ToList();
        var others = chosen.Where(t => t.Name != Ratios.Direct).SelectMany(t => t.Workloads).ToHashSet();
        return chosen.Select(t => t.Name == Ratios.Direct && others.Count > 0
            ? t with { Workloads = [.. Workload.All.Where(others.Contains)] }
            : t);
    }

    public async Task<Process> StartNginxAsync(CancellationToken cancellationToken)
    {
        var nginx = processes.Start(["nginx", "-e", workspace.Log("nginx-error"), "-p", workspace.Dir, "-c", workspace.NginxConf], workspace.Log("nginx"));
        await WaitAsync("nginx", [nginx], RelayConfigs.UpstreamPort, cancellationToken);
        return nginx;
    }

    /// <summary>One Relay from <paramref name="yaml"/>, started and accepting on <paramref name="port"/> (other scenarios use it).</summary>
    public async Task<Process> StartRelayAsync(string name, string yaml, int port, CancellationToken cancellationToken)
    {
        var started = StartRelay(name, yaml);
        await WaitAsync(name, [started], port, cancellationToken);
        return started;
    }

    private async Task<IReadOnlyList<Process>> StartRelayL4Async(CancellationToken cancellationToken)
    {
        var relay = StartRelay("relay-l4", RelayConfigs.L4());
        await WaitAsync("relay-l4", [relay], RelayConfigs.L4Port, cancellationToken);
        return [relay];
    }

    private async Task<IReadOnlyList<Process>> StartRelayPairAsync(CancellationToken cancellationToken)
    {
        var b = StartRelay("relay-b", RelayConfigs.PairB(workspace));
        var a = StartRelay("relay-a", RelayConfigs.PairA(workspace));
        await WaitAsync("relay-b", [a, b], RelayConfigs.PairInboundPort, cancellationToken);
        await WaitAsync("relay-a", [a, b], RelayConfigs.PairOutboundPort, cancellationToken);
        return [a, b];
    }

    private async Task<IReadOnlyList<Process>> StartRelayHttpAsync(CancellationToken cancellationToken)
    {
        var relay = StartRelay("relay-http", RelayConfigs.Http());
        await WaitAsync("relay-http", [relay], RelayConfigs.HttpPort, cancellationToken);
        await WaitAsync("relay-http", [relay], RelayConfigs.HttpH2Port, cancellationToken);
        return [relay];
    }

    private async Task<IReadOnlyList<Process>> StartRelayHttpPairAsync(CancellationToken cancellationToken)
    {
        var b = StartRelay("relay-http-b", RelayConfigs.HttpPairB(workspace));
        var a = StartRelay("relay-http-a", RelayConfigs.HttpPairA(workspace));
        await WaitAsync("relay-http-b", [a, b], RelayConfigs.HttpPairInboundH2Port, cancellationToken);
        await WaitAsync("relay-http-a", [a, b], RelayConfigs.HttpPairOutboundH2Port, cancellationToken);
        return [a, b];
    }

    /// <summary>
    /// Relay B logs each request it served; one that arrived as HTTP/2 from Relay A's identity came
    /// over the relay/h2 mesh. Without such a line the row did not measure the multiplexed mesh.
    /// </summary>
    private string? RelayHttpPairCaveat()
    {
        var log = workspace.Log("relay-http-b");
        return File.Exists(log) && File.ReadLines(log).Any(l => l.Contains("request direction=inbound", StringComparison.Ordinal)
                && l.Contains("protocol=HTTP/2", StringComparison.Ordinal) && l.Contains($"peer={BenchWorkspace.RelayAId}", StringComparison.Ordinal))
            ? null
            : $"relay-http-b logged no inbound HTTP/2 request from {BenchWorkspace.RelayAId}: this row did not measure HTTP over the relay/h2 mesh";
    }

    /// <summary>Relay B logs tls=TLSv1.x on its access lines once the mTLS data path runs; without it the pair is two plain hops.</summary>
    private string? RelayPairCaveat()
    {
        var log = workspace.Log("relay-b");
        // Streamed: after newconn-c16 the access log holds one line per connection (tens of MB).
        return File.Exists(log) && File.ReadLines(log).Any(l => l.Contains("tls=TLSv1", StringComparison.Ordinal))
            ? null
            : "mTLS was NOT on the wire (relay-b's access lines carry no tls=TLSv1.x): this row measured two plain TCP hops";
    }

    private async Task<IReadOnlyList<Process>> StartHaproxyAsync(CancellationToken cancellationToken)
    {
        var haproxy = processes.Start(["haproxy", "-f", workspace.HaproxyCfg, "-db"], workspace.Log("haproxy"));
        await WaitAsync("haproxy", [haproxy], HaproxyMtlsPort, cancellationToken);
        return [haproxy];
    }

    private Process StartRelay(string name, string yaml)
    {
        // Not beside the logs: Relay watches its config's directory (inotify), and with the log in
        // the same directory every log write woke the watcher; at relay-http's rps-c64, one request
        // line per request meant ~15,000 inotify reads/s (strace -c, 2026-12-01).
        var config = Path.Combine(workspace.ConfigDir, $"{name}.yaml");
        File.WriteAllText(config, yaml);
        // The environment systemd/relay.service sets, so the benchmark runs what users run.
        return processes.Start([.. relay.Command, "run", "--config", config,
            "--state-dir", Path.Combine(workspace.Dir, $"{name}-state")], workspace.Log(name), UnitEnvironment.Read());
    }

    private async Task WaitAsync(string name, IReadOnlyList<Process> started, int port, CancellationToken cancellationToken)
    {
        if (await Ports.WaitAcceptingAsync(port, StartTimeout, cancellationToken) && started.All(p => !p.HasExited))
        {
            return;
        }
        var log = workspace.Log(name);
        var tail = File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(20)) : "(no log)";
        throw new InvalidOperationException($"{name} did not start listening on 127.0.0.1:{port} within {StartTimeout.TotalSeconds} s; its log:\n{tail}");
    }
}
