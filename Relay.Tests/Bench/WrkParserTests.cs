using Relay.Bench.Load;

namespace Relay.Tests.Bench;

/// <summary>Every load-runner figure comes from wrk's text report; these are real wrk 4.1 outputs.</summary>
[Trait("Tier", "Unit")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class WrkParserTests
{
    private const string KeepAlive = """
        Running 1s test @ http://127.0.0.1:18080/
          1 threads and 4 connections
          Thread Stats   Avg      Stdev     Max   +/- Stdev
            Latency    95.28us  432.27us   8.60ms   98.87%
            Req/Sec    62.58k     6.36k   71.25k    63.64%
          Latency Distribution
             50%   51.00us
             75%   60.00us
             90%   94.00us
             99%  771.00us
          68336 requests in 1.10s, 73.97MB read
        Requests/sec:  62107.71
        Transfer/sec:     67.23MB
        """;

    private const string Bulk = """
        Running 1s test @ http://127.0.0.1:18080/big
          1 threads and 2 connections
          Thread Stats   Avg      Stdev     Max   +/- Stdev
            Latency     1.26ms  312.05us   4.91ms   86.13%
            Req/Sec     1.61k   306.45     1.92k    70.00%
          1606 requests in 1.00s, 1.57GB read
          Socket errors: connect 0, read 2, write 1, timeout 0
          Non-2xx or 3xx responses: 4
        Requests/sec:   1604.72
        Transfer/sec:      1.57GB
        """;

    [Fact]
    public void Keep_alive_report_gives_rate_requests_and_percentiles_in_ms()
    {
        var result = WrkParser.Parse(KeepAlive);

        Assert.NotNull(result);
        Assert.Equal(62107.71, result.RequestsPerSecond, 2);
        Assert.Equal(68336, result.Requests);
        Assert.Equal(67.23 * 1024 * 1024, result.BytesPerSecond, 0);
        Assert.Equal(0.051, result.P50Ms!.Value, 6);
        Assert.Equal(0.771, result.P99Ms!.Value, 6);
        Assert.Equal(0, result.Errors);
    }

    [Fact]
    public void Bulk_report_counts_gigabytes_and_every_error_kind()
    {
        var result = WrkParser.Parse(Bulk);

        Assert.NotNull(result);
        Assert.Equal(1.57 * 1024 * 1024 * 1024, result.BytesPerSecond, 0);
        Assert.Null(result.P50Ms);
        Assert.Equal(3, result.SocketErrors);
        Assert.Equal(4, result.Non2xx);
        Assert.Equal(7, result.Errors);
    }

    [Fact]
    public void Output_without_a_rate_is_not_a_result()
    {
        Assert.Null(WrkParser.Parse("unable to connect to 127.0.0.1:18080 Connection refused"));
    }
}
