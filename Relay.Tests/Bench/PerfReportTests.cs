using Relay.Bench.Load;

namespace Relay.Tests.Bench;

/// <summary>The load runner's <c>--profile</c> reads perf's text report; a misread group would misplace a proxy's cost.</summary>
[Trait("Tier", "Unit")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class PerfReportTests
{
    // perf 6.x `report --no-children --sort dso -g none -n --stdio` of a Relay pair (23:53 run, trimmed).
    private const string RelayPairReport = """
        # Samples: 2K of event 'cpu-clock:ppp'
        # Event count (approx.): 5845691336
        #
        # Overhead       Samples  Shared Object
        # ........  ............  .................................................
        #
            50.53%          1474  [kernel.kallsyms]
            18.68%           545  memfd:doublemapper (deleted)
            13.92%           406  libcrypto.so.3
             6.44%           188  libc.so.6
             5.83%           170  libssl.so.3
             2.78%            81  libcoreclr.so
             0.69%            20  libSystem.Native.so
             0.41%            12  ld-linux-x86-64.so.2
             0.21%             6  System.Net.Sockets.dll
             0.21%             6  libclrjit.so
             0.17%             5  libSystem.Security.Cryptography.Native.OpenSsl.so
             0.10%             3  [vdso]


        #
        # (Tip: To see list of saved events and attributes: perf evlist -v)
        #
        """;

    [Fact]
    public void Samples_become_microseconds_per_request_by_group()
    {
        // 1,000 requests at 499 Hz: one sample is 1e6 / 499 / 1000 ≈ 2.004 µs per request.
        var profile = PerfProfiler.Summarize(RelayPairReport, requests: 1000);
        var perSample = 1e6 / PerfProfiler.Hz / 1000;

        Assert.Equal(1474 * perSample, profile.Of(DsoGroups.Kernel), 6);
        Assert.Equal((406 + 170) * perSample, profile.Of(DsoGroups.OpenSsl), 6);
        Assert.Equal(188 * perSample, profile.Of(DsoGroups.Libc), 6);
        Assert.Equal((545 + 6) * perSample, profile.Of(DsoGroups.ProxyCode), 6);
        Assert.Equal((81 + 20 + 5) * perSample, profile.Of(DsoGroups.Runtime), 6);
        Assert.Equal(6 * perSample, profile.Of(DsoGroups.JitCompiler), 6);
        Assert.Equal((12 + 3) * perSample, profile.Of(DsoGroups.Other), 6);
        Assert.Equal(2916, profile.Samples);
        Assert.Equal(2916 * perSample, profile.TotalMicrosPerRequest, 6);
    }

    [Fact]
    public void A_report_without_samples_is_an_error_not_a_zero_profile()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => PerfProfiler.Summarize("# Samples: 0\n#\n", requests: 1000));
        Assert.Contains("no samples", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[kernel.kallsyms]", DsoGroups.Kernel)]
    [InlineData("libssl.so.3", DsoGroups.OpenSsl)]
    [InlineData("libcrypto.so.3", DsoGroups.OpenSsl)]
    [InlineData("libc.so.6", DsoGroups.Libc)]
    [InlineData("haproxy", DsoGroups.ProxyCode)]
    [InlineData("relay", DsoGroups.ProxyCode)]
    [InlineData("[JIT] tid 1614", DsoGroups.ProxyCode)]
    [InlineData("memfd:doublemapper (deleted)", DsoGroups.ProxyCode)]
    [InlineData("System.Private.CoreLib.dll", DsoGroups.ProxyCode)]
    [InlineData("libcoreclr.so", DsoGroups.Runtime)]
    [InlineData("libSystem.Native.so", DsoGroups.Runtime)]
    [InlineData("libclrjit.so", DsoGroups.JitCompiler)]
    [InlineData("libstdc++.so.6.0.30", DsoGroups.Other)]
    public void Shared_objects_fall_into_their_group(string dso, string group) => Assert.Equal(group, DsoGroups.Of(dso));
}
