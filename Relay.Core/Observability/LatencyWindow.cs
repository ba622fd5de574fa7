namespace Relay.Core.Observability;

/// <summary>
/// Request-duration bucket counts over the last <see cref="Window"/>: a ring of
/// <see cref="Slots"/> slots of <see cref="SlotLength"/> each, the oldest cleared as time moves
/// into it, so the dashboard's p50/p99 describe the last minute, not the time since start (Linkerd
/// viz's default window is 1m, `linkerd viz stat -t`). Quantiles are read over the slots still in
/// the window: between 55 and 60 s of traffic. Recording is one interlocked increment; only the
/// first request of each 5 s slot takes a lock, to clear it.
/// </summary>
internal sealed class LatencyWindow(TimeProvider time)
{
    public const int Slots = 12;

    public static readonly TimeSpan SlotLength = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan Window = SlotLength * Slots;

    private readonly Slot[] _ring = [.. Enumerable.Range(0, Slots).Select(_ => new Slot())];

    public void Record(int bucket)
    {
        var epoch = Epoch();
        var slot = _ring[epoch % Slots];
        if (Volatile.Read(ref slot.Epoch) != epoch)
        {
            lock (slot)
            {
                if (slot.Epoch != epoch)
                {
                    Array.Clear(slot.Counts);
                    Volatile.Write(ref slot.Epoch, epoch);
                }
            }
        }
        Interlocked.Increment(ref slot.Counts[bucket]);
    }

    /// <summary>Per bucket (not cumulative), summed over the slots inside the window now.</summary>
    public long[] Counts()
    {
        var epoch = Epoch();
        var sum = new long[MetricBuckets.RequestDuration.Count + 1];
        foreach (var slot in _ring)
        {
            var age = epoch - Volatile.Read(ref slot.Epoch);
            if (age is >= 0 and < Slots)
            {
                for (var i = 0; i < sum.Length; i++)
                {
                    sum[i] += Volatile.Read(ref slot.Counts[i]);
                }
            }
        }
        return sum;
    }

    private long Epoch() => time.GetTimestamp() / (long)(time.TimestampFrequency * SlotLength.TotalSeconds);

    private sealed class Slot
    {
        /// <summary>Which 5 s of time the counts are for; -Slots: never used (outside any window).</summary>
        public long Epoch = -Slots;

        public readonly long[] Counts = new long[MetricBuckets.RequestDuration.Count + 1];
    }
}
