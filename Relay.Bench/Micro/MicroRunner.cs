using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Relay.Bench.Micro;

/// <summary>
/// <c>micro [--quick] [--out-of-process] [BenchmarkDotNet args]</c>. In-process by default: the
/// out-of-process toolchain builds a generated project per run, which on a shared 2-core machine
/// can exceed BenchmarkDotNet's 120 s build timeout. <c>--quick</c> uses ShortRun (3 iterations).
/// </summary>
internal static class MicroRunner
{
    public static int Run(string[] args)
    {
        var quick = args.Contains("--quick");
        var outOfProcess = args.Contains("--out-of-process");
        var rest = args.Where(a => a is not "--quick" and not "--out-of-process").ToArray();
        var job = quick ? Job.ShortRun : Job.Default;
        if (!outOfProcess)
        {
            job = job.WithToolchain(InProcessEmitToolchain.Instance);
        }
        var config = ManualConfig.Create(DefaultConfig.Instance).AddJob(job.AsDefault());
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(MicroRunner).Assembly).Run(rest, config);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}
