using System.Net;
using Relay.Core.Capture;

namespace Relay.Tests.Capture;

[Trait("Tier", "Unit")]
public sealed class SockaddrParserTests
{
    [Fact]
    public void IPv4_SockaddrIn_GivesAddressAndNetworkOrderPort()
    {
        byte[] raw = [2, 0, 0x1f, 0x90, 198, 18, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0];
        Assert.True(SockaddrParser.TryParse(raw, out var endpoint));
        Assert.Equal(IPAddress.Parse("198.18.0.2"), endpoint.Address);
        Assert.Equal(8080, endpoint.Port);
    }

    [Fact]
    public void IPv6_SockaddrIn6_GivesAddressAndPort()
    {
        var raw = new byte[28];
        raw[0] = 10;
        raw[2] = 0x01;
        raw[3] = 0xbb;
        IPAddress.Parse("fd00::2").GetAddressBytes().CopyTo(raw, 8);
        Assert.True(SockaddrParser.TryParse(raw, out var endpoint));
        Assert.Equal(IPAddress.Parse("fd00::2"), endpoint.Address);
        Assert.Equal(443, endpoint.Port);
        Assert.Equal("[fd00::2]:443", endpoint.ToString());
    }

    [Fact]
    public void IPv4MappedIPv6_IsNormalisedToIPv4()
    {
        var raw = new byte[28];
        raw[0] = 10;
        raw[3] = 80;
        IPAddress.Parse("::ffff:198.18.0.9").GetAddressBytes().CopyTo(raw, 8);
        Assert.True(SockaddrParser.TryParse(raw, out var endpoint));
        Assert.Equal(IPAddress.Parse("198.18.0.9"), endpoint.Address);
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 2, 0, 0, 80 })]
    [InlineData(new byte[] { 10, 0, 0, 80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 })]
    [InlineData(new byte[] { 1, 0, 0, 80, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0 })]
    public void TruncatedOrUnknownFamily_IsRejected(byte[] raw)
    {
        Assert.False(SockaddrParser.TryParse(raw, out _));
    }
}
