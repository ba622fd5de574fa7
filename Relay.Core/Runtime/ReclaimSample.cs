namespace Relay.Core.Runtime;

/// <summary>
/// One second's reading for <see cref="ReclaimTrigger"/>: live connections, resident bytes
/// (/proc/self/statm), bytes allocated on the managed heap since start
/// (<see cref="GC.GetTotalAllocatedBytes"/>), the process's CPU time in milliseconds
/// (<see cref="Environment.CpuUsage"/>), and the monotonic clock in milliseconds.
/// </summary>
internal readonly record struct ReclaimSample(int Live, long ResidentBytes, long AllocatedBytes, long CpuMs, long NowMs);
