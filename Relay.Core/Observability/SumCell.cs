namespace Relay.Core.Observability;

/// <summary>
/// The value of one counter or gauge series. An instrument records either integers or doubles,
/// so a cell uses one of the two fields; both are updated atomically without locks.
/// </summary>
internal sealed class SumCell
{
    private long _long;
    private double _double;

    public long LongValue => Interlocked.Read(ref _long);

    public double DoubleValue => Volatile.Read(ref _double);

    public void Add(long value) => Interlocked.Add(ref _long, value);

    public void Add(double value) => AtomicDouble.Add(ref _double, value);

    public void Set(long value) => Interlocked.Exchange(ref _long, value);

    public void Set(double value) => Interlocked.Exchange(ref _double, value);
}
