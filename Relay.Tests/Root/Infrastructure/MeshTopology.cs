using System.Net;
using System.Text.RegularExpressions;

namespace Relay.Tests.Root.Infrastructure;

/// <summary>
/// Two or three simulated VMs on one L2 segment: a bridge in a private "switch" namespace, each host on a
/// veth to it (eth0 inside the host). A bridge, unlike chained veth pairs, lets any host reach any other
/// with the same code path, and creating the veth ends directly inside their namespaces means no
/// interface name ever touches the root namespace (no clashes between parallel runs, nothing to leak).
/// Addresses: A 198.18.0.1 / fd00::1, B .2 / ::2, C .3 / ::3 (RFC 2544 benchmark range, ULA).
/// </summary>
internal sealed partial class MeshTopology : IAsyncDisposable
{
    private const string Prefix = "relay-t-";
    private static int swept;

    private readonly List<NetnsHost> hosts = [];
    private readonly List<RelayProcess> relays = [];
    private NetnsHost? switchHost;

    private MeshTopology(string id) => Id = id;

    public string Id { get; }

    public NetnsHost A => hosts[0];

    public NetnsHost B => hosts[1];

    public NetnsHost C => hosts.Count > 2 ? hosts[2] : throw new InvalidOperationException("topology created without host C");

    public static async Task<MeshTopology> CreateAsync(bool withHostC = false)
    {
        RootRequirement.Assert();
        await SweepLeftoversOnceAsync();
        var topology = new MeshTopology($"{Environment.ProcessId}-{Random.Shared.Next(0x10000):x4}");
        try
        {
            await topology.BuildAsync(withHostC ? 3 : 2);
            return topology;
        }
        catch
        {
            await topology.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts a Relay on <paramref name="host"/>; the topology stops it before deleting namespaces.</summary>
    public async Task<RelayProcess> StartRelayAsync(NetnsHost host, MeshYamlOptions options)
    {
        return await RelayProcess.StartAsync(host, options, relays.Add);
    }

    private async Task BuildAsync(int hostCount)
    {
        switchHost = await NetnsHost.CreateAsync($"{Prefix}{Id}-sw", "switch");
        await ExecAllAsync(switchHost,
            ["ip", "link", "add", "br0", "type", "bridge", "mcast_snooping", "0"],
            ["ip", "link", "set", "br0", "up"]);
        for (var i = 1; i <= hostCount; i++)
        {
            await AddHostAsync(i);
        }
    }

    private async Task AddHostAsync(int index)
    {
        var label = ((char)('a' + index - 1)).ToString();
        var host = await NetnsHost.CreateAsync(
            $"{Prefix}{Id}-{label}", label, IPAddress.Parse($"198.18.0.{index}"), IPAddress.Parse($"fd00::{index}"));
        hosts.Add(host);
        (await ProcessRunner.RunAsync("ip", "link", "add", "eth0", "netns", host.Name, "type", "veth",
            "peer", "name", $"p-{label}", "netns", switchHost!.Name)).EnsureSuccess();
        await ExecAllAsync(switchHost, ["ip", "link", "set", "dev", $"p-{label}", "master", "br0", "up"]);
        // nodad: the address is usable at once instead of "tentative" for ~1 s of duplicate detection.
        await ExecAllAsync(host,
            ["ip", "addr", "add", $"{host.IPv4}/24", "dev", "eth0"],
            ["ip", "-6", "addr", "add", $"{host.IPv6}/64", "dev", "eth0", "nodad"],
            ["ip", "link", "set", "eth0", "up"]);
    }

    private static async Task ExecAllAsync(NetnsHost host, params string[][] commands)
    {
        foreach (var command in commands)
        {
            (await host.ExecAsync(command)).EnsureSuccess();
        }
    }

    /// <summary>Relays first (rules removed, processes gone), then hosts, then the switch; one failing step
    /// must not leak the namespaces after it, so every step runs and the first error is rethrown at the end.</summary>
    public async ValueTask DisposeAsync()
    {
        var steps = relays.Select(r => (Func<ValueTask>)r.DisposeAsync)
            .Concat(hosts.Select(h => (Func<ValueTask>)h.DisposeAsync))
            .Append(() => switchHost?.DisposeAsync() ?? ValueTask.CompletedTask);
        Exception? first = null;
        foreach (var step in steps)
        {
            try
            {
                await step();
            }
            catch (Exception ex)
            {
                first ??= ex;
            }
        }
        if (first is not null)
        {
            throw new InvalidOperationException("topology teardown failed", first);
        }
    }

    /// <summary>Deletes namespaces left by test processes that died before teardown (kill -9, OOM).</summary>
    private static async Task SweepLeftoversOnceAsync()
    {
        if (Interlocked.Exchange(ref swept, 1) == 1)
        {
            return;
        }
        var list = await ProcessRunner.RunAsync("ip", "netns", "list");
        foreach (Match match in LeftoverName().Matches(list.Stdout))
        {
            var pid = int.Parse(match.Groups["pid"].Value, System.Globalization.CultureInfo.InvariantCulture);
            if (pid != Environment.ProcessId && !Directory.Exists($"/proc/{pid}"))
            {
                await NetnsHost.KillProcessesAsync(match.Value);
                await ProcessRunner.RunAsync("ip", "netns", "del", match.Value);
            }
        }
    }

    [GeneratedRegex(@"relay-t-(?<pid>\d+)-[0-9a-f]{4}-\w+", RegexOptions.Multiline)]
    private static partial Regex LeftoverName();
}
