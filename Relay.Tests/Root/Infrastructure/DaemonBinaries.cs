namespace Relay.Tests.Root.Infrastructure;

/// <summary>
/// A world-readable copy of the Relay daemon that the unprivileged <c>relay</c> user can run, prepared
/// once per test process. By default the NativeAOT build, the one install.sh ships: the file RELAY_BIN
/// names (test.sh publishes it once before `dotnet test`, ~4 min on a busy 2-core VM), or, when
/// RELAY_BIN is unset, a `dotnet publish -r linux-x64` made here. RELAY_ROOT_JIT=1 copies the JIT
/// build next to the test assembly instead (relay.dll, ≈7 MB, seconds) for a developer's quick loop.
/// The test output itself may live under /root (mode 700), hence the copy.
/// </summary>
internal static class DaemonBinaries
{
    /// <summary>Path of a published NativeAOT relay executable (test.sh sets it).</summary>
    public const string RelayBinVariable = "RELAY_BIN";

    private static readonly string[] RequiredJitFiles = ["relay.dll", "relay.runtimeconfig.json", "relay.deps.json"];
    private static readonly Lazy<Task<RelayBinary>> Prepared = new(PrepareAsync);

    /// <summary>The daemon build, prepared once per test process.</summary>
    public static Task<RelayBinary> BinaryAsync() => Prepared.Value;

    /// <summary>The directory holding the daemon's executable `relay` (what install.sh puts in /opt/relay).</summary>
    public static async Task<string> DirectoryAsync() => (await BinaryAsync()).Directory;

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

    private static async Task<RelayBinary> PrepareAsync()
    {
        // /tmp, not Path.GetTempPath(): TMPDIR may point below /root, which the relay user cannot traverse.
        var target = $"/tmp/relay-root-bin-{Environment.ProcessId}";
        DeleteCopiesOfDeadProcesses();
        if (Directory.Exists(target))
        {
            Directory.Delete(target, recursive: true);
        }
        Directory.CreateDirectory(target);
        var jit = Environment.GetEnvironmentVariable("RELAY_ROOT_JIT") == "1";
        var published = Environment.GetEnvironmentVariable(RelayBinVariable);
        if (jit)
        {
            var source = AppContext.BaseDirectory;
            Assert.True(RequiredJitFiles.All(f => File.Exists(Path.Combine(source, f))), $"relay.dll missing next to {source}");
            CopyTree(new DirectoryInfo(source), target);
        }
        else if (!string.IsNullOrEmpty(published))
        {
            Assert.True(File.Exists(published), $"{RelayBinVariable}={published} does not exist");
            File.Copy(published, Path.Combine(target, "relay"));
        }
        else
        {
            await PublishNativeAsync(target);
        }
        // u=rwX,go=rX: dirs 755, files 644 (executables keep their x bit), as the unprivileged relay user needs.
        (await ProcessRunner.RunAsync("chmod", "-R", "u=rwX,go=rX", target)).EnsureSuccess();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(target);
        return new RelayBinary(target, IsNative: !jit);
    }

    // The same command test.sh and install.sh run (Release: the shipped configuration).
    private static async Task PublishNativeAsync(string target)
    {
        var project = Path.Combine(FindRepoRoot(), "Relay.Daemon", "Relay.Daemon.csproj");
        var output = Path.Combine(target, "publish");
        (await ProcessRunner.RunAsync(
            "dotnet", ["publish", project, "-c", "Release", "-r", "linux-x64", "-o", output, "--nologo"],
            TimeSpan.FromMinutes(10))).EnsureSuccess();
        File.Move(Path.Combine(output, "relay"), Path.Combine(target, "relay"));
        Directory.Delete(output, recursive: true);
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
