using BenchmarkDotNet.Attributes;
using Relay.Core.Capture;

namespace Relay.Bench.Micro;

/// <summary>Decoding getsockopt(SO_ORIGINAL_DST) output, per accepted connection.</summary>
[MemoryDiagnoser]
public class SockaddrBenchmarks
{
    private readonly byte[] _v4 = [2, 0, 0x1f, 0x90, 198, 18, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0];
    private readonly byte[] _v6 = [10, 0, 0x1f, 0x90, 0, 0, 0, 0, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0];

    [Benchmark]
    public int ParseIPv4() => SockaddrParser.TryParse(_v4, out var endpoint) ? endpoint.Port : 0;

    [Benchmark]
    public int ParseIPv6() => SockaddrParser.TryParse(_v6, out var endpoint) ? endpoint.Port : 0;
}
