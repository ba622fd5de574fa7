using System.Runtime.InteropServices;
using Relay.Daemon.Hosting;

namespace Relay.Tests.Lifecycle;

/// <summary>systemd reads MONOTONIC_USEC against CLOCK_MONOTONIC: the value Relay sends must be that clock in µs.</summary>
[Trait("Tier", "Unit")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class MonotonicClockTests
{
    private const int ClockMonotonic = 1;

    [Fact]
    public void MonotonicMicroseconds_MatchesClockGettimeMonotonic()
    {
        var before = ClockMonotonicMicroseconds();
        var ours = SystemdNotifier.MonotonicMicroseconds();
        var after = ClockMonotonicMicroseconds();

        Assert.InRange(ours, before, after);
    }

    private static long ClockMonotonicMicroseconds()
    {
        Assert.Equal(0, clock_gettime(ClockMonotonic, out var ts));
        return ts.Seconds * 1_000_000 + ts.Nanoseconds / 1_000;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int clock_gettime(int clockId, out Timespec ts);
}
