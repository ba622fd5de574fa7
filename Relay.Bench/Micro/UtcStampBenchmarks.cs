using System.Globalization;
using BenchmarkDotNet.Attributes;
using Relay.Core.Observability;

namespace Relay.Bench.Micro;

/// <summary>
/// The text access line's timestamp: <c>DateTime.TryFormat</c> with the custom format string
/// (what the fast lane did) against <see cref="UtcStamp"/>'s digit-by-digit write.
/// </summary>
[MemoryDiagnoser]
public class UtcStampBenchmarks
{
    private readonly char[] _into = new char[64];
    private readonly DateTime _at = new(2026, 12, 3, 19, 5, 7, 9, DateTimeKind.Utc);

    [Benchmark(Baseline = true, Description = "DateTime.TryFormat(\"yyyy-MM-ddTHH:mm:ss.fffZ\")")]
    public int CustomFormat()
    {
        _at.TryFormat(_into, out var written, "yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        return written;
    }

    [Benchmark(Description = "UtcStamp.Write")]
    public int HandWritten()
    {
        UtcStamp.Write(_into, _at);
        return UtcStamp.Length;
    }
}
