namespace Relay.Core.Routing.Guard;

/// <summary>
/// Successes and totals over a sliding window, kept as ten slots of window/10 (the retry
/// budget's layout, after tower's TpsBudget): a count expires within one slot of the window's
/// end. Locked: one per backend of a guarded route, touched once per request.
/// </summary>
internal sealed class OutcomeWindow
{
    private const int Slots = 10;

    private readonly long[] _total = new long[Slots];
    private readonly long[] _succeeded = new long[Slots];
    private readonly long _slotTicks;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private long _slotStart;
    private int _index;

    public OutcomeWindow(TimeSpan window, TimeProvider time)
    {
        _time = time;
        _slotTicks = Math.Max(1, (long)(window.TotalSeconds / Slots * time.TimestampFrequency));
        _slotStart = time.GetTimestamp();
    }

    /// <summary>Adds one answer; returns the totals over the window that ends now.</summary>
    public (long Requests, long Succeeded) Add(bool success)
    {
        lock (_lock)
        {
            Advance();
            _total[_index]++;
            if (success)
            {
                _succeeded[_index]++;
            }
            return (_total.Sum(), _succeeded.Sum());
        }
    }

    /// <summary>Moves to the slot that holds now, clearing every slot whose time has passed (all of them after a long idle).</summary>
    private void Advance()
    {
        var passed = (_time.GetTimestamp() - _slotStart) / _slotTicks;
        for (var i = 0; i < Math.Min(passed, Slots); i++)
        {
            _index = (_index + 1) % Slots;
            _total[_index] = 0;
            _succeeded[_index] = 0;
        }
        _slotStart += passed * _slotTicks;
    }
}
