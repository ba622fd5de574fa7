using Relay.Bench.Load;

namespace Relay.Tests.Bench;

/// <summary>The h2-m64 figures come from h2load's summary; these are real h2load 1.52 outputs.</summary>
[Trait("Tier", "Unit")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class H2loadParserTests
{
    private const string Clean = """
        Main benchmark duration is started for thread #0.
        Application protocol: h2c
        Main benchmark duration is over for thread #0. Stopping all clients.
        Stopped all clients for thread #0

        finished in 3.00s, 46119.67 req/s, 46.36MB/s
        requests: 138359 total, 138423 started, 138359 done, 138359 succeeded, 0 failed, 0 errored, 0 timeout
        status codes: 138359 2xx, 0 3xx, 0 4xx, 0 5xx
        traffic: 139.07MB (145830435) total, 6.60MB (6917950) headers (space savings 50.00%), 130.10MB (136421974) data
        """;

    [Fact]
    public void Parse_CleanRun_ReadsRateRequestsAndNoErrors()
    {
        var result = H2loadRunner.Parse(Clean);

        Assert.NotNull(result);
        Assert.Equal(46119.67, result.RequestsPerSecond, 2);
        Assert.Equal(138359, result.Requests);
        Assert.Equal(46.36 * 1024 * 1024, result.BytesPerSecond, 0);
        Assert.Equal(0, result.Errors);
    }

    [Fact]
    public void Parse_FailedRequestsAndBadStatuses_CountAsErrors()
    {
        var broken = Clean
            .Replace("138359 succeeded, 0 failed, 0 errored, 0 timeout", "138000 succeeded, 300 failed, 50 errored, 9 timeout", StringComparison.Ordinal)
            .Replace("0 3xx, 0 4xx, 0 5xx", "0 3xx, 2 4xx, 7 5xx", StringComparison.Ordinal);

        var result = H2loadRunner.Parse(broken);

        Assert.NotNull(result);
        Assert.Equal(138000, result.Requests);
        Assert.Equal(300 + 50 + 9, result.SocketErrors);
        Assert.Equal(2 + 7, result.Non2xx);
    }

    [Fact]
    public void Parse_NoSummary_IsNull()
    {
        Assert.Null(H2loadRunner.Parse("connect to 127.0.0.1:19104 failed: Connection refused\nNo protocol negotiated. Aborted."));
    }
}
