using System.Runtime;
using Microsoft.Extensions.Logging;

namespace Relay.Core.Runtime;

/// <summary>
/// Gives memory back to the kernel after a burst of connections ends (issue 17 §6). Without it a
/// flood of 10,000 stalled mesh handshakes took an idle Relay from 31 to 498 MiB, and it stayed
/// there: the GC does not run when nothing allocates, and glibc keeps freed OpenSSL memory in its
/// arenas. Once <see cref="ReclaimTrigger"/> says the burst is over, one blocking full GC (after
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
            var live = _liveConnections();
            if (_trigger.Observe(live, Environment.TickCount64))
            {
                Reclaim(peak, live);
            }
        }
    }

    private void Reclaim(int peak, int live)
    {
        var before = NativeHeap.ResidentBytes();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true);
        GC.WaitForPendingFinalizers();
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        NativeHeap.Trim();
        Interlocked.Increment(ref _reclaims);
        LogReclaimed(_logger, peak, live, before / (1024 * 1024), NativeHeap.ResidentBytes() / (1024 * 1024));
    }

    public async ValueTask DisposeAsync()
    {
        _timer.Dispose();
        await _loop.ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Information,
        Message = "memory reclaimed after a burst of connections ended ({Peak} at the peak, {Live} now): RSS {BeforeMiB} -> {AfterMiB} MiB")]
    private static partial void LogReclaimed(ILogger logger, int peak, int live, long beforeMiB, long afterMiB);
}
