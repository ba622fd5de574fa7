namespace Relay.Bench.Load;

/// <summary>
/// The daemon the load runner measures: by default the NativeAOT executable install.sh ships,
/// published (incrementally) from this checkout before the run so a stale binary is never measured.
/// <c>--relay PATH</c> or RELAY_BIN (test.sh sets it after publishing once) skip the publish;
/// a PATH ending in .dll runs the JIT build under <c>dotnet</c> for A/B runs.
/// </summary>
internal sealed record RelayBuild(string Path, bool Publish)
{
    /// <summary>Where `dotnet publish Relay.Daemon -c Release -r linux-x64` puts the executable.</summary>
    public static string DefaultNative => System.IO.Path.Combine(BenchPaths.RepoRoot, "Relay.Daemon", "bin", "Release", "net10.0", "linux-x64", "publish", "relay");

    // An AOT publish of the daemon took 3m46s wall (1m28s CPU) from clean on the busy 2-core VM and
    // ~40 s when nothing changed; 10 min only catches a hang.
    private static readonly TimeSpan PublishLimit = TimeSpan.FromMinutes(10);

    public bool IsNative => !Path.EndsWith(".dll", StringComparison.Ordinal);

    /// <summary>"NativeAOT" or "JIT", printed with the run's versions.</summary>
    public string Kind => IsNative ? "relay: NativeAOT" : "relay: JIT (dotnet relay.dll)";

    public static RelayBuild Resolve(string? option)
    {
        var env = Environment.GetEnvironmentVariable("RELAY_BIN");
        return option is not null ? new RelayBuild(System.IO.Path.GetFullPath(option), false)
            : !string.IsNullOrEmpty(env) ? new RelayBuild(System.IO.Path.GetFullPath(env), false)
            : new RelayBuild(DefaultNative, true);
    }

    /// <summary>argv prefix that runs this build: [relay] or [dotnet, relay.dll].</summary>
    public IReadOnlyList<string> Command => IsNative ? [Path] : ["dotnet", Path];

    public async Task PublishIfDefaultAsync(TextWriter log, CancellationToken cancellationToken)
    {
        if (!Publish)
        {
            return;
        }
        log.WriteLine($"load: publishing the NativeAOT daemon ({Path})");
        var project = System.IO.Path.Combine(BenchPaths.RepoRoot, "Relay.Daemon", "Relay.Daemon.csproj");
        var output = await BoundedProcess.RunAsync("dotnet", ["publish", project, "-c", "Release", "-r", "linux-x64", "--nologo", "-v", "q"],
            PublishLimit, "dotnet publish Relay.Daemon", cancellationToken);
        if (output.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish Relay.Daemon failed:\n{output.Stdout}\n{output.Stderr}");
        }
    }
}
