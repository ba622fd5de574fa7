using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Relay.Bench.Load;

/// <summary>What the run happened on: CPU count and model, kernel, and the versions of every program measured.</summary>
internal static class MachineInfo
{
    // A version query answers at once; this only bounds a broken binary.
    private static readonly TimeSpan VersionTimeout = TimeSpan.FromSeconds(5);

    public static string Describe()
    {
        var model = ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        var kernel = ReadLines("/proc/sys/kernel/osrelease").FirstOrDefault() ?? "unknown kernel";
        return $"nproc={Environment.ProcessorCount}, {model}, Linux {kernel}";
    }

    public static IReadOnlyList<string> Versions(bool withHaproxy)
    {
        List<string> versions = [RuntimeInformation.FrameworkDescription, FirstLine("nginx", "-v"), FirstLine("wrk", "-v")];
        if (withHaproxy)
        {
            versions.Add(FirstLine("haproxy", "-v"));
        }
        return versions;
    }

    public static bool IsInstalled(string program) => (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(':').Concat(["/usr/sbin", "/usr/bin"]).Any(dir => dir.Length > 0 && File.Exists(Path.Combine(dir, program)));

    private static string FirstLine(string program, string arg)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(program, [arg]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(VersionTimeout))
            {
                process.Kill();
                return $"{program}: no version answer";
            }
            var text = output.Result + error.Result;
            return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? program;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return $"{program}: not installed";
        }
    }

    private static IEnumerable<string> ReadLines(string path) => File.Exists(path) ? File.ReadLines(path) : [];
}
