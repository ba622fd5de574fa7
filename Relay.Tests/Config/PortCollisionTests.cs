using static Relay.Tests.Config.ConfigTestFiles;

namespace Relay.Tests.Config;

[Trait("Tier", "Unit")]
public sealed class PortCollisionTests
{
    [Fact]
    public void Load_OutboundEqualsInboundPort_Reported()
    {
        var error = SingleError(MeshHeader + "capture:\n  outbound_port: 15001\n  inbound_port: 15001\n");

        AssertError(error, 5, 17, "capture.inbound_port", "port 15001 is also used by capture.outbound_port (capture.outbound_port)");
    }

    [Fact]
    public void Load_InboundPortEqualsDefaultOutboundPort_Reported()
    {
        var error = SingleError(MeshHeader + "inbound:\n  - port: 15001\n");

        AssertError(error, 4, 11, "inbound[0].port", "port 15001 is also used by capture.outbound_port (default 15001)");
    }

    [Fact]
    public void Load_InboundPortEqualsCaptureInboundPort_Reported()
    {
        var error = SingleError(MeshHeader + "capture:\n  inbound_port: 9000\ninbound:\n  - port: 9000\n");

        AssertError(error, 6, 11, "inbound[0].port", "also used by capture.inbound_port (capture.inbound_port)");
    }

    [Fact]
    public void Load_InboundPortEqualsAdminPort_Reported()
    {
        var error = SingleError(MeshHeader + "admin:\n  address: 127.0.0.1:9901\ninbound:\n  - port: 9901\n");

        AssertError(error, 6, 11, "inbound[0].port", "also used by admin.address (admin.address)");
    }

    [Fact]
    public void Load_AdminPortEqualsDefaultCapturePort_Reported()
    {
        var error = SingleError(MeshHeader + "admin:\n  address: 127.0.0.1:15006\n");

        AssertError(error, 4, 12, "admin.address", "port 15006 is also used by capture.inbound_port (default 15006)");
    }

    [Fact]
    public void Load_CapturePortEqualsDefaultAdminPort_Reported()
    {
        var error = SingleError(MeshHeader + "capture:\n  outbound_port: 15000\n");

        AssertError(error, 4, 18, "capture.outbound_port", "also used by admin.address (default 15000)");
    }
}
