using System.Runtime.CompilerServices;

namespace Relay.Tests;

/// <summary>
/// Gives the in-process Relays of the loopback tests the thread pool a daemon has. The test host
/// parks two pool workers for the whole run (vstest's message loop in Socket.Poll, xunit's
/// RunTestsInAssembly wait; dotnet-stack, 2026-12-03), and the pool's minimum is nproc: on a
/// 2-vCPU CI machine nothing was left above it, so a Relay needing a worker waited for the
/// pool's starvation injection (~500 ms). In RetryLoopbackTests.PerTryTimeout_AndRetry_SkipAHungEndpoint
/// (a 504 in CI of 81de5b4) a request stalled 600-1,000 ms in 7 of 9 runs here, two of them 504s
/// (a 300 ms per-try timer firing ~600 ms late, or the retry's answer coming that late); with the
/// minimum raised by those two, 0 of 15 stalled (slowest 327-381 ms, 6 of the runs beside two
/// busy loops), as with DOTNET_ThreadPool_ForceMinWorkerThreads=3 or 4 (0 of 6). Raising it by
/// exactly the parked two keeps Relay's code on nproc free workers, so a Relay that blocks
/// workers itself still shows here as it would in the daemon.
/// </summary>
internal static class TestHostThreadPool
{
    private const int ParkedByTestHost = 2;

    [ModuleInitializer]
    internal static void Compensate()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(workers + ParkedByTestHost, io);
    }
}
