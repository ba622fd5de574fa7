using System.Reflection;

namespace Relay.Tests.Root.Infrastructure;

/// <summary>
/// A world-readable copy of the Relay.Daemon build output that the unprivileged <c>relay</c> user can run.
/// The test project references Relay.Daemon, so relay.dll, relay.deps.json, relay.runtimeconfig.json and
/// every dependency already sit next to the test assembly; copying them (≈7 MB) is much faster than a
/// second `dotnet publish` on a 2-core VM. The test output itself may live under /root (mode 700).
/// </summary>
internal static class DaemonBinaries
{
    private static readonly string[] RequiredFiles = ["relay.dll", "relay.runtimeconfig.json", "relay.deps.json"];
    private static readonly Lazy<Task<string>> Prepared = new(PrepareAsync);

    /// <summary>Directory holding relay.dll, prepared once per test process.</summary>
    public static Task<string> DirectoryAsync() => Prepared.Value;

    public static async Task<string> RelayDllAsync() => Path.Combine(await DirectoryAsync(), "relay.dll");

    /// <summary>Walks up from the test assembly to the directory holding Relay.sln.</summary>
    public static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Relay.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"Relay.sln not found above {AppContext.BaseDirectory}");
    }

    private static async Task<string> PrepareAsync()
    {
        // /tmp, not Path.GetTempPath(): TMPDIR may point below /root, which the relay user cannot traverse.
        var target = $"/tmp/relay-root-bin-{Environment.ProcessId}";
        DeleteCopiesOfDeadProcesses();
        if (Directory.Exists(target))
        {
            Directory.Delete(target, recursive: true);
        }
        var source = AppContext.BaseDirectory;
        if (RequiredFiles.All(f => File.Exists(Path.Combine(source, f))))
        {
            CopyTree(new DirectoryInfo(source), target);
        }
        else
        {
            await PublishAsync(target);
        }
        // u=rwX,go=rX: dirs 755, files 644 (apphost keeps its x bit), as the unprivileged relay user needs.
        (await ProcessRunner.RunAsync("chmod", "-R", "u=rwX,go=rX", target)).EnsureSuccess();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(target);
        return target;
    }

    private static async Task PublishAsync(string target)
    {
        var configuration = typeof(DaemonBinaries).Assembly
            .GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var project = Path.Combine(FindRepoRoot(), "Relay.Daemon", "Relay.Daemon.csproj");
        (await ProcessRunner.RunAsync(
            "dotnet", ["publish", project, "-c", configuration, "-o", target, "--nologo"],
            TimeSpan.FromMinutes(5))).EnsureSuccess();
    }

    /// <summary>The test host is often killed before ProcessExit runs, so earlier runs' copies are swept here.</summary>
    private static void DeleteCopiesOfDeadProcesses()
    {
        foreach (var dir in Directory.GetDirectories("/tmp", "relay-root-bin-*"))
        {
            var pid = Path.GetFileName(dir)["relay-root-bin-".Length..];
            if (int.TryParse(pid, out _) && !Directory.Exists($"/proc/{pid}"))
            {
                TryDelete(dir);
            }
        }
    }

    private static void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort at process exit: a leftover copy in /tmp is harmless and named by pid.
        }
    }

    private static void CopyTree(DirectoryInfo source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in source.GetFiles())
        {
            file.CopyTo(Path.Combine(target, file.Name), overwrite: true);
        }
        foreach (var sub in source.GetDirectories())
        {
            CopyTree(sub, Path.Combine(target, sub.Name));
        }
    }
}
