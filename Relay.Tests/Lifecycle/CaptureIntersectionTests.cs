using Relay.Core.Lifecycle;
using Relay.Tests.Support;

namespace Relay.Tests.Lifecycle;

[Trait("Tier", "Unit")]
public sealed class CaptureIntersectionTests
{
    [Fact]
    public void Of_KeepsCommonInboundPorts_UnitesExclusions_Ipv6OnlyIfBoth()
    {
        var from = TestConfigs.Load("""
            mesh: { trust_domain: mesh.test }
            capture: { exclude_inbound_ports: [22], exclude_cidrs: [10.0.0.0/8], ipv6: true }
            inbound: [{ port: 8080 }, { port: 8081 }]
            """);
        var to = TestConfigs.Load("""
            mesh: { trust_domain: mesh.test }
            capture: { exclude_inbound_ports: [2222], exclude_outbound_ports: [53], ipv6: false }
            inbound: [{ port: 8080 }, { port: 8082 }]
            """);

        var (capture, ports) = CaptureIntersection.Of(from, to);

        Assert.Equal([8080], ports.ToArray());
        Assert.Equal([22, 2222], capture.ExcludeInboundPorts.ToArray());
        Assert.Equal([53], capture.ExcludeOutboundPorts.ToArray());
        Assert.Single(capture.ExcludeCidrs);
        Assert.False(capture.Ipv6);
        Assert.Equal(from.Capture.InboundPort, capture.InboundPort);
    }
}
