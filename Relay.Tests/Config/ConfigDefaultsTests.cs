using System.Net;
using Relay.Core.Config;
using Relay.Core.Net;
using static Relay.Tests.Config.ConfigTestFiles;

namespace Relay.Tests.Config;

[Trait("Tier", "Unit")]
public sealed class ConfigDefaultsTests
{
    [Fact]
    public void Load_OnlyMesh_EverySectionDefaulted()
    {
        var snapshot = Valid(MeshHeader);

        Assert.Null(snapshot.Mesh.Identity);
        Assert.Null(snapshot.Tls);
        var capture = snapshot.Capture;
        Assert.Equal((15001, 15006, "relay", OutboundPolicy.Passthrough, true), (capture.OutboundPort, capture.InboundPort, capture.RunAsUser, capture.OutboundPolicy, capture.Ipv6));
        Assert.Equal([22], capture.ExcludeInboundPorts.ToArray());
        Assert.Empty(capture.ExcludeUids);
        Assert.Empty(capture.ExcludeOutboundPorts);
        Assert.Empty(capture.ExcludeCidrs);
        Assert.Equal(new NetEndpoint(IPAddress.Loopback, 15000), snapshot.Admin.Address);
        Assert.Equal(new LimitsSnapshot(10_000, TimeSpan.FromSeconds(2), TimeSpan.FromHours(1), TimeSpan.FromSeconds(30), 65_536), snapshot.Limits);
        Assert.Empty(snapshot.Inbound);
        Assert.Empty(snapshot.InboundByPort);
        Assert.Empty(snapshot.Services);
        Assert.Equal(0, snapshot.Routes.Count);
    }

    [Fact]
    public void Load_EmptySections_TreatedAsAbsent()
    {
        var snapshot = Valid(MeshHeader + "capture:\nadmin: ~\nlimits: null\ninbound:\nservices:\n");

        Assert.Equal(15001, snapshot.Capture.OutboundPort);
        Assert.Empty(snapshot.Services);
    }
}
