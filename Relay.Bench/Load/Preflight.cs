namespace Relay.Bench.Load;

/// <summary>Checks before anything starts: the programs (the runner installs nothing), the daemon build, free ports.</summary>
internal static class Preflight
{
    public const string InstallHint = "apt-get install -y nginx-light haproxy wrk nghttp2-client";

    /// <summary>Null when the run can go ahead; otherwise what to do first.</summary>
    public static string? Check(RelayBuild relay, bool withHaproxy, bool profile = false)
    {
        if (profile && !MachineInfo.IsInstalled("perf"))
        {
            return "--profile needs perf (apt-get install -y linux-perf) and root or kernel.perf_event_paranoid <= 1";
        }
        foreach (var program in new[] { "wrk", "h2load", "nginx", "dotnet" })
        {
            if (!MachineInfo.IsInstalled(program))
            {
                return $"'{program}' is not installed; the load runner needs nginx, wrk and h2load ({InstallHint}) and the .NET SDK";
            }
        }
        if (!relay.Publish && !File.Exists(relay.Path))
        {
            return $"{relay.Path} not found; publish it with: dotnet publish Relay.Daemon -c Release -r linux-x64 (or pass --relay PATH/relay, or PATH/relay.dll for the JIT build)";
        }
        var ports = RelayConfigs.AllPorts.Append(RelayConfigs.UpstreamPort).Append(RelayConfigs.UpstreamH2Port).Concat(withHaproxy ? TargetCatalog.HaproxyPorts : []);
        var busy = Ports.InUse(ports);
        return busy.Count == 0
            ? null
            : $"port(s) {string.Join(", ", busy)} already in use (another benchmark or bench/peers/run.sh running?); stop it and retry";
    }
}
