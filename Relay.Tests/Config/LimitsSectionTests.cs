using static Relay.Tests.Config.ConfigTestFiles;

namespace Relay.Tests.Config;

[Trait("Tier", "Unit")]
public sealed class LimitsSectionTests
{
    [Theory]
    [InlineData("0", "got 0")]
    [InlineData("1000001", "got 1000001")]
    public void Load_MaxConnectionsOutOfRange_Reported(string value, string messagePart)
    {
        var error = SingleError(MeshHeader + $"limits:\n  max_connections: {value}\n");

        AssertError(error, 4, 20, "limits.max_connections", messagePart);
    }

    [Theory]
    [InlineData("4095")]
    [InlineData("1048577")]
    public void Load_BufferSizeOutOfRange_Reported(string value)
    {
        var error = SingleError(MeshHeader + $"limits:\n  buffer_size: {value}\n");

        AssertError(error, 4, 16, "limits.buffer_size", "must be between 4096 and 1048576");
    }

    [Fact]
    public void Load_DurationAsNumber_Reported()
    {
        var error = SingleError(MeshHeader + "limits:\n  connect_timeout: 2\n");

        AssertError(error, 4, 20, "limits.connect_timeout", "not a duration");
    }

    [Fact]
    public void Load_Limits_Compiled()
    {
        var yaml = MeshHeader + "limits:\n  max_connections: 5\n  connect_timeout: 500ms\n  idle_timeout: 5m\n  drain_timeout: 1s\n  buffer_size: 4096\n";

        var limits = Valid(yaml).Limits;

        Assert.Equal(5, limits.MaxConnections);
        Assert.Equal(TimeSpan.FromMilliseconds(500), limits.ConnectTimeout);
        Assert.Equal(TimeSpan.FromMinutes(5), limits.IdleTimeout);
        Assert.Equal(TimeSpan.FromSeconds(1), limits.DrainTimeout);
        Assert.Equal(4096, limits.BufferSize);
        Assert.Equal(TimeSpan.FromSeconds(30), limits.HttpRequestHeadersTimeout);
        Assert.Equal(TimeSpan.FromSeconds(130), limits.HttpKeepAliveTimeout);
    }

    [Fact]
    public void Load_HttpTimeouts_Compiled()
    {
        var limits = Valid(MeshHeader + "limits:\n  http_request_headers_timeout: 10s\n  http_keep_alive_timeout: 75s\n").Limits;

        Assert.Equal((TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(75)), (limits.HttpRequestHeadersTimeout, limits.HttpKeepAliveTimeout));
    }

    [Fact]
    public void Load_HttpTimeoutNotADuration_Reported()
    {
        var error = SingleError(MeshHeader + "limits:\n  http_keep_alive_timeout: forever\n");

        AssertError(error, 4, 28, "limits.http_keep_alive_timeout", "not a duration");
    }

    [Fact]
    public void Load_DirectionAndHostileInputLimits_CompiledAndDefaulted()
    {
        var limits = Valid(MeshHeader + "limits:\n  max_connections: 50\n  max_inbound_connections: 7\n  max_unauthenticated_per_source: 3\n  inbound_handshake_timeout: 1s\n  first_byte_timeout: 5s\n").Limits;
        var defaults = Valid(MeshHeader).Limits;

        Assert.Equal((7, 50, 3, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5)),
            (limits.MaxInboundConnections, limits.MaxOutboundConnections, limits.MaxUnauthenticatedPerSource, limits.InboundHandshakeTimeout, limits.FirstByteTimeout));
        Assert.Equal((10_000, 10_000, 128, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(30)),
            (defaults.MaxInboundConnections, defaults.MaxOutboundConnections, defaults.MaxUnauthenticatedPerSource, defaults.InboundHandshakeTimeout, defaults.FirstByteTimeout));
    }

    [Theory]
    [InlineData("max_inbound_connections: 0", "limits.max_inbound_connections")]
    [InlineData("max_outbound_connections: 1000001", "limits.max_outbound_connections")]
    [InlineData("max_unauthenticated_per_source: 0", "limits.max_unauthenticated_per_source")]
    public void Load_NewLimitOutOfRange_Reported(string line, string keyPath)
    {
        var error = SingleError(MeshHeader + $"limits:\n  {line}\n");

        Assert.Equal(keyPath, error.KeyPath);
        Assert.Contains("must be between", error.Message, StringComparison.Ordinal);
    }
}
