using System.Net.Sockets;
using Relay.Core.Config;
using Relay.Core.Net;

namespace Relay.Tests.Config;

[Trait("Tier", "Unit")]
public sealed class DescriptorBudgetTests
{
    [Fact]
    public void ShippedUnit_LimitNofile_HoldsTheDefaultMaxConnections()
    {
        var unit = File.ReadLines(Path.Combine(ConfigTestFiles.RepoRoot(), "systemd", "relay.service"));
        var limit = DescriptorBudget.UnitLimit(unit);

        Assert.NotNull(limit);
        Assert.Null(DescriptorBudget.Check(ConfigTestFiles.Valid(ConfigTestFiles.MeshHeader).Limits, limit!.Value, "relay.service"));
    }

    [Theory]
    [InlineData(new[] { "[Service]", "LimitNOFILE=1024:4096" }, 1024L)]
    [InlineData(new[] { "LimitNOFILE=10", "LimitNOFILE=20" }, 20L)]
    [InlineData(new[] { "LimitNOFILE=infinity" }, null)]
    [InlineData(new[] { "# LimitNOFILE=5" }, null)]
    public void UnitLimit_ReadsTheLastSoftValue(string[] lines, long? expected) =>
        Assert.Equal(expected, DescriptorBudget.UnitLimit(lines));

    [Fact]
    public void Check_TooLowLimit_WarnsWithTheNumbers()
    {
        var limits = ConfigTestFiles.Valid(ConfigTestFiles.MeshHeader + "limits: { max_connections: 10000 }\n").Limits;

        var warning = DescriptorBudget.Check(limits, 1024, "unit LimitNOFILE");

        Assert.NotNull(warning);
        // 10,000 per direction: 2 x (10,000 + 10,000) + 1,024 admin + 512.
        Assert.Contains("allows 1024 open files, but 10000 inbound + 10000 outbound connections", warning, StringComparison.Ordinal);
        Assert.Contains("need about 41536", warning, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(400, 180, 78)]
    [InlineData(65536, 180, 32646)]
    [InlineData(100, 180, 1)]
    public void ConnectionCap_TwoDescriptorsPerConnection_AfterTheMargin(long limit, int open, int expected) =>
        Assert.Equal(expected, DescriptorBudget.ConnectionCap(limit, open));

    [Theory]
    [InlineData(SocketError.TooManyOpenSockets, true)]     // EMFILE and ENFILE both map here
    [InlineData(SocketError.NoBufferSpaceAvailable, true)] // ENOBUFS, ENOMEM
    [InlineData(SocketError.ConnectionRefused, false)]
    public void ResourceExhaustion_IsTheDescriptorAndBufferErrors(SocketError error, bool expected) =>
        Assert.Equal(expected, ResourceExhaustion.Is(new SocketException((int)error)));
}
