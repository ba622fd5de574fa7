using System.Runtime;
using Microsoft.Extensions.Logging;

namespace Relay.Core.Runtime;

/// <summary>
/// Gives memory back to the kernel after a burst of connections ends, or after load that grew the
/// heap has stopped (issue 17 §6; the causes are <see cref="ReclaimTrigger"/>'s). Without it a
/// flood of 10,000 stalled mesh handshakes took an idle Relay from 31 to 498 MiB, and it stayed
/// there: the GC does not run when nothing allocates, and glibc keeps freed OpenSSL memory in its
/// arenas; an L7 hop that served 300 keep-alive connections kept ~100 MiB of GC regions the same
/// way. Once <see cref="ReclaimTrigger"/> says so, one blocking full GC (after
/// the finalizers of the dead SslStreams have released their native state) compacts and
/// decommits the managed heap, and malloc_trim returns the free arenas: the same idea as Envoy's
/// overload action <c>shrink_heap</c> (tcmalloc's ReleaseFreeMemory) and HAProxy's pool trim.
/// </summary>
internal sealed partial class MemoryReclaimer : IAsyncDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    private readonly Func<int> _liveConnections;
    private readonly ReclaimTrigger _trigger;
    private readonly ILogger _logger;
    private readonly PeriodicTimer _timer = new(Tick);
    private readonly Task _loop;
    private int _reclaims;

    public MemoryReclaimer(Func<int> liveConnections, ILogger logger, ReclaimTrigger? trigger = null)
    {
        _liveConnections = liveConnections;
        _logger = logger;
        _trigger = trigger ?? ReclaimTrigger.Default();
        _loop = RunAsync();
    }

    /// <summary>How many reclaims have run.</summary>
    public int Reclaims => Volatile.Read(ref _reclaims);

    private async Task RunAsync()
    {
        while (await _timer.WaitForNextTickAsync().ConfigureAwait(false))
        {
            var peak = _trigger.Peak;
            var floor = _trigger.Floor;
            var sample = new ReclaimSample(_liveConnections(), NativeHeap.ResidentBytes(), GC.GetTotalAllocatedBytes(),
                (long)Environment.CpuUsage.TotalTime.TotalMilliseconds, Environment.TickCount64);
            var cause = _trigger.Observe(sample);
            if (cause != ReclaimCause.None)
            {
                Reclaim(cause, peak, floor, sample);
            }
        }
    }

    private void Reclaim(ReclaimCause cause, int peak, long floor, ReclaimSample sample)
    {
        var before = sample.ResidentBytes;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true);
        GC.WaitForPendingFinalizers();
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        NativeHeap.Trim();
        Interlocked.Increment(ref _reclaims);
        var after = NativeHeap.ResidentBytes() / (1024 * 1024);
        if (cause == ReclaimCause.BurstEnded)
        {
            LogReclaimed(_logger, peak, sample.Live, before / (1024 * 1024), after);
        }
        else
        {
            LogReclaimedAfterGrowth(_logger, floor / (1024 * 1024), before / (1024 * 1024), after);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _timer.Dispose();
        await _loop.ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Information,
        Message = "memory reclaimed after a burst of connections ended ({Peak} at the peak, {Live} now): RSS {BeforeMiB} -> {AfterMiB} MiB")]
    private static partial void LogReclaimed(ILogger logger, int peak, int live, long beforeMiB, long afterMiB);

    [LoggerMessage(EventId = 41, Level = LogLevel.Information,
        Message = "memory reclaimed after load that grew it stopped (RSS was {FloorMiB} MiB at its lowest since the last reclaim): RSS {BeforeMiB} -> {AfterMiB} MiB")]
    private static partial void LogReclaimedAfterGrowth(ILogger logger, long floorMiB, long beforeMiB, long afterMiB);
}
