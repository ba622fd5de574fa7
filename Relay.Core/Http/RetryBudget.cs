using Relay.Core.Config;

namespace Relay.Core.Http;

/// <summary>
/// Linkerd's retry budget (linkerd2-proxy uses tower's TpsBudget, after Finagle's RetryBudget):
/// every request deposits, every retry withdraws 1/ratio as much, and deposits expire after the
/// TTL (ten slots of TTL/10, as tower: within one more slot). A reserve of min_per_second × TTL retries lets a
/// little-used route retry at all. The balance can go below zero down to minus the reserve; that
/// debt rotates out with its slot, so the reserve refills over one TTL. When every endpoint fails,
/// retries are bounded by ratio × requests + min_per_second × TTL, whatever the attempts setting.
/// </summary>
internal sealed class RetryBudget
{
    private const int Slots = 10;

    private readonly long[] _slots = new long[Slots];
    private readonly long _reserve;
    private readonly long _deposit;
    private readonly long _withdraw;
    private readonly TimeSpan _window;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private long _current;
    private int _index;
    private long _windowStart;

    public RetryBudget(RetryBudgetSpec spec, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        // tower: ratio 0 gains nothing from deposits; else each deposit is 1 and a retry costs 1/ratio.
        (_deposit, _withdraw) = spec.Ratio == 0 ? (0, 1) : (1, (long)(1.0 / spec.Ratio));
        _reserve = spec.MinPerSecond * (long)spec.Ttl.TotalSeconds * _withdraw;
        _window = spec.Ttl / Slots;
        _windowStart = _time.GetTimestamp();
    }

    /// <summary>One request was sent on the route (its first attempt).</summary>
    public void Deposit()
    {
        lock (_lock)
        {
            Expire();
            _current += _deposit;
        }
    }

    /// <summary>True (and the retry is paid for) when the budget allows one more retry now.</summary>
    public bool TryWithdraw()
    {
        lock (_lock)
        {
            Expire();
            if (Balance() < _withdraw)
            {
                return false;
            }
            _current -= _withdraw;
            return true;
        }
    }

    private long Balance() => _current + _slots.Sum() + _reserve;

    /// <summary>Commits the current slot once its window has passed, clearing every slot skipped since.</summary>
    private void Expire()
    {
        var elapsed = _time.GetElapsedTime(_windowStart);
        if (elapsed < _window)
        {
            return;
        }
        _slots[_index] = _current;
        _current = 0;
        var index = (_index + 1) % Slots;
        // Windows that passed with no call are empty; at most all slots (after a long idle).
        var skipped = 0;
        for (var passed = elapsed; passed > _window && skipped < Slots; passed -= _window, skipped++)
        {
            _slots[index] = 0;
            index = (index + 1) % Slots;
        }
        // As tower: the new window's slot keeps its old value until the window commits over it,
        // so a deposit counts for between one TTL and one TTL plus a window.
        _index = index;
        _windowStart = _time.GetTimestamp();
    }
}
