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
    public static readonly int[] HaproxyPorts = [19001, 19002, 19003, 19004];

    // A .NET daemon is listening within ~1 s; 30 s covers a loaded shared machine.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    public IReadOnlyList<Target> Build(bool withHaproxy)
    {
        List<Target> targets =
        [
            new("direct", RelayConfigs.UpstreamPort, "no proxy: wrk → nginx", _ => Task.FromResult<IReadOnlyList<Process>>([])),
            new("relay-l4", RelayConfigs.L4Port, "one Relay, plain TCP", StartRelayL4Async),
            new("relay-mtls", RelayConfigs.PairOutboundPort, "Relay A → mTLS → Relay B → nginx", StartRelayPairAsync, RelayPairCaveat),
        ];
        if (withHaproxy)
        {
            targets.Add(new("haproxy-l4", HaproxyL4Port, "one HAProxy hop, mode tcp", StartHaproxyAsync));
            targets.Add(new("haproxy-mtls", HaproxyMtlsPort, "HAProxy → mTLS → HAProxy → nginx (one process)", StartHaproxyAsync));
        }
        return targets;
    }

    public async Task<Process> StartNginxAsync(CancellationToken cancellationToken)
    {
        var nginx = processes.Start(["nginx", "-e", workspace.Log("nginx-error"), "-p", workspace.Dir, "-c", workspace.NginxConf], workspace.Log("nginx"));
        await WaitAsync("nginx", [nginx], RelayConfigs.UpstreamPort, cancellationToken);
        return nginx;
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
        var config = Path.Combine(workspace.Dir, $"{name}.yaml");
        File.WriteAllText(config, yaml);
        // The environment systemd/relay.service sets (none beyond the defaults), so the benchmark runs what users run.
        return processes.Start([.. relay.Command, "run", "--config", config,
            "--state-dir", Path.Combine(workspace.Dir, $"{name}-state")], workspace.Log(name));
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
