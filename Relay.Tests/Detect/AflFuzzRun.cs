using System.Diagnostics;
using System.Globalization;

namespace Relay.Tests.Detect;

/// <summary>
/// One afl-fuzz (AFL++) run of the Relay.Fuzz harness against a SharpFuzz-instrumented copy of
/// Relay.Core.dll, in a private directory: instrument, fuzz for a fixed time, read fuzzer_stats.
/// </summary>
internal sealed class AflFuzzRun : IDisposable
{
    // afl-fuzz stops itself after -V; these bounds only catch a hung tool (then it is killed).
    private static readonly TimeSpan InstrumentLimit = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan FuzzMargin = TimeSpan.FromMinutes(3);

    private AflFuzzRun(string dir) => Dir = dir;

    public string Dir { get; }

    public string Harness => Path.Combine(Dir, "bin", "Relay.Fuzz.dll");

    public string Findings => Path.Combine(Dir, "findings", "default");

    /// <summary>Copies the harness build (beside this test assembly's, same configuration) so the instrumented Relay.Core.dll is private.</summary>
    public static AflFuzzRun Create()
    {
        var build = AppContext.BaseDirectory.Replace($"{Path.DirectorySeparatorChar}Relay.Tests{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}",
            $"{Path.DirectorySeparatorChar}Relay.Fuzz{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(build, "Relay.Fuzz.dll")), $"Relay.Fuzz not built in {build} (Relay.Tests references it so dotnet test builds it)");
        var run = new AflFuzzRun(Directory.CreateTempSubdirectory("relay-fuzz-").FullName);
        CopyDirectory(build, Path.Combine(run.Dir, "bin"));
        return run;
    }

    /// <summary>SharpFuzz rewrites the detector's types in the copy; returns the instrumented type names.</summary>
    public async Task<string> InstrumentAsync()
    {
        var (code, output) = await RunAsync("dotnet", [Harness, "instrument", Path.Combine(Dir, "bin", "Relay.Core.dll")], [], InstrumentLimit);
        Assert.True(code == 0, $"instrumenting Relay.Core.dll failed ({code}):\n{output}");
        return output;
    }

    /// <summary>afl-fuzz for <paramref name="seconds"/> from <paramref name="corpus"/>; returns its exit code and output tail.</summary>
    public async Task<(int ExitCode, string OutputTail)> FuzzAsync(string corpus, int seconds)
    {
        Dictionary<string, string> env = new()
        {
            // The target is `dotnet`, not an AFL-compiled binary: SharpFuzz's IL instrumentation and
            // fork-server loop stand in for afl-cc's, so the binary check would refuse it.
            ["AFL_SKIP_BIN_CHECK"] = "1",
            ["AFL_NO_UI"] = "1",
            // A shared 2-core machine: no core pinning (it fails when every core is busy) and no
            // governor check; crashes are caught as .NET exceptions, not core dumps.
            ["AFL_NO_AFFINITY"] = "1",
            ["AFL_SKIP_CPUFREQ"] = "1",
            ["AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES"] = "1",
            // The .NET runtime starts in ~0.2 s idle; a loaded machine can take many times that.
            ["AFL_FORKSRV_INIT_TMOUT"] = "60000",
            ["AFL_FAST_CAL"] = "1",
        };
        // -t 5000: one detection of at most the 16 KiB budget takes microseconds (exec_us ~50-150 in
        // fuzzer_stats); only a real hang, not a stall of a loaded machine, lasts 5 s. -m none:
        // the runtime reserves gigabytes of address space.
        var (code, output) = await RunAsync("afl-fuzz", ["-i", corpus, "-o", Path.Combine(Dir, "findings"), "-V", seconds.ToString(CultureInfo.InvariantCulture),
            "-t", "5000", "-m", "none", "--", "dotnet", Harness, "run"], env, TimeSpan.FromSeconds(seconds) + FuzzMargin);
        return (code, string.Join('\n', output.Split('\n').TakeLast(40)));
    }

    /// <summary>findings/default/fuzzer_stats as key → value.</summary>
    public IReadOnlyDictionary<string, string> Stats()
    {
        var path = Path.Combine(Findings, "fuzzer_stats");
        Assert.True(File.Exists(path), $"afl-fuzz wrote no {path}");
        return File.ReadLines(path).Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.Ordinal);
    }

    /// <summary>Each saved input of findings/default/{crashes|hangs}, hex-dumped, for the failure message.</summary>
    public string Saved(string kind)
    {
        var dir = Path.Combine(Findings, kind);
        return !Directory.Exists(dir) ? "" : string.Join('\n', Directory.EnumerateFiles(dir, "id:*")
            .Select(f => $"{Path.GetFileName(f)}: {Convert.ToHexString(File.ReadAllBytes(f).AsSpan(0, Math.Min(256, (int)new FileInfo(f).Length)))}"));
    }

    public void Dispose() => Directory.Delete(Dir, recursive: true);

    private static async Task<(int Code, string Output)> RunAsync(string file, string[] args, Dictionary<string, string> env, TimeSpan limit)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (key, value) in env)
        {
            start.Environment[key] = value;
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        using var cts = new CancellationTokenSource(limit);
        var stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = process.StandardError.ReadToEndAsync(cts.Token);
        try
        {
            await process.WaitForExitAsync(cts.Token);
            return (process.ExitCode, await stdout + await stderr);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} did not finish within {limit}");
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
