using System.Net;
using Relay.Core.Net;
using Relay.Core.Vocabulary;
using static Relay.Tests.Config.ConfigTestFiles;

namespace Relay.Tests.Config;

[Trait("Tier", "Unit")]
public sealed class ListenersSectionTests
{
    // Lines 3-5: one service, lines 6-7: one inbound port; listeners start on line 8.
    private const string Header = MeshHeader
        + "services:\n  app: { port: 80, endpoints: [198.18.0.2:8080, 198.18.0.3:8080], mesh_tls: false }\n"
        + "inbound:\n  - port: 18080\n"
        + "listeners:\n";

    [Fact]
    public void Load_OutboundListener_FixedDestinationIsServicesFirstEndpoint()
    {
        var config = Valid(Header + "  - { address: 127.0.0.1:19101, direction: outbound, service: app }\n");

        var listener = Assert.Single(config.Listeners);
        Assert.Equal(new NetEndpoint(IPAddress.Loopback, 19101), listener.Address);
        Assert.Equal(Direction.Outbound, listener.Direction);
        Assert.Equal(new NetEndpoint(IPAddress.Parse("198.18.0.2"), 8080), listener.Destination.Endpoint);
        Assert.Equal("app", config.Routes.Lookup(listener.Destination)?.Name);
    }

    [Fact]
    public void Load_InboundListener_FixedDestinationIsListenerIpOnInboundPort()
    {
        var config = Valid(Header + "  - { address: 127.0.0.1:19203, direction: inbound, inbound_port: 18080 }\n");

        var listener = Assert.Single(config.Listeners);
        Assert.Equal(Direction.Inbound, listener.Direction);
        Assert.Equal(new NetEndpoint(IPAddress.Loopback, 18080), listener.Destination.Endpoint);
        Assert.True(config.InboundByPort.ContainsKey(listener.Destination.Endpoint.Port));
    }

    [Fact]
    public void Load_NoListenersSection_EmptyList()
    {
        Assert.Empty(Valid(MeshHeader).Listeners);
    }

    [Fact]
    public void Load_AddressMissing_Required()
    {
        var error = SingleError(Header + "  - direction: outbound\n    service: app\n");

        AssertError(error, 8, 5, "listeners[0].address", "required key is missing");
    }

    [Fact]
    public void Load_UnknownDirection_Reported()
    {
        var error = SingleError(Header + "  - address: 127.0.0.1:19101\n    direction: sideways\n    service: app\n");

        AssertError(error, 9, 16, "listeners[0].direction", "'sideways' is not one of: outbound, inbound");
    }

    [Fact]
    public void Load_OutboundWithoutService_Required()
    {
        var error = SingleError(Header + "  - address: 127.0.0.1:19101\n    direction: outbound\n");

        AssertError(error, 8, 5, "listeners[0].service", "required for an outbound listener");
    }

    [Fact]
    public void Load_OutboundUnknownService_NamesDefinedOnes()
    {
        var error = SingleError(Header + "  - address: 127.0.0.1:19101\n    direction: outbound\n    service: ap\n");

        AssertError(error, 10, 14, "listeners[0].service", "service 'ap' is not defined in services (defined: app)");
    }

    [Fact]
    public void Load_OutboundWithInboundPort_Reported()
    {
        var error = SingleError(Header + "  - { address: 127.0.0.1:19101, direction: outbound, service: app, inbound_port: 18080 }\n");

        AssertError(error, 8, 82, "listeners[0].inbound_port", "'inbound_port' does not apply to an outbound listener");
    }

    [Fact]
    public void Load_InboundPortNotDeclared_Reported()
    {
        var error = SingleError(Header + "  - address: 127.0.0.1:19203\n    direction: inbound\n    inbound_port: 9999\n");

        AssertError(error, 10, 19, "listeners[0].inbound_port", "port 9999 is not declared in inbound");
    }

    [Fact]
    public void Load_InboundWithoutInboundPort_Required()
    {
        var error = SingleError(Header + "  - address: 127.0.0.1:19203\n    direction: inbound\n");

        AssertError(error, 8, 5, "listeners[0].inbound_port", "required for an inbound listener");
    }

    [Fact]
    public void Load_DuplicateAddress_PointsAtFirst()
    {
        var error = SingleError(Header
            + "  - { address: 127.0.0.1:19101, direction: outbound, service: app }\n"
            + "  - { address: 127.0.0.1:19101, direction: inbound, inbound_port: 18080 }\n");

        AssertError(error, 9, 16, "listeners[1].address", "overlaps 127.0.0.1:19101 at listeners[0].address");
    }

    [Fact]
    public void Load_SamePortOnUnspecifiedAddress_Overlaps()
    {
        var error = SingleError(Header
            + "  - { address: 0.0.0.0:19101, direction: outbound, service: app }\n"
            + "  - { address: 127.0.0.2:19101, direction: outbound, service: app }\n");

        AssertError(error, 9, 16, "listeners[1].address", "overlaps 0.0.0.0:19101");
    }

    [Fact]
    public void Load_SamePortOnDifferentAddresses_Valid()
    {
        var config = Valid(Header
            + "  - { address: 127.0.0.1:19101, direction: outbound, service: app }\n"
            + "  - { address: 127.0.0.2:19101, direction: outbound, service: app }\n");

        Assert.Equal(2, config.Listeners.Length);
    }

    [Fact]
    public void Load_ListenerOnCapturePort_Collides()
    {
        var error = SingleError(Header + "  - { address: 127.0.0.1:15001, direction: outbound, service: app }\n");

        AssertError(error, 8, 16, "listeners[0].address", "port 15001 is also used by capture.outbound_port (default 15001)");
    }

    [Fact]
    public void Load_ListenerOnInboundPort_Collides()
    {
        var error = SingleError(Header + "  - { address: 127.0.0.2:18080, direction: outbound, service: app }\n");

        AssertError(error, 8, 16, "listeners[0].address", "port 18080 is also used by inbound[0].port");
    }

    [Fact]
    public void Load_OutboundServiceEndpointIsTheListener_Loop()
    {
        var error = SingleError(MeshHeader
            + "services:\n  app: { port: 80, endpoints: [127.0.0.1:19101], mesh_tls: false }\n"
            + "listeners:\n  - { address: 127.0.0.1:19101, direction: outbound, service: app }\n");

        AssertError(error, 6, 63, "listeners[0].service", "connections would loop");
    }

    [Fact]
    public void Load_InboundForwardsToTheListener_Loop()
    {
        var error = SingleError(MeshHeader
            + "inbound:\n  - { port: 18080, forward_to: 127.0.0.1:19203 }\n"
            + "listeners:\n  - { address: 127.0.0.1:19203, direction: inbound, inbound_port: 18080 }\n");

        AssertError(error, 6, 67, "listeners[0].inbound_port", "forwards to 127.0.0.1:19203, this listener itself");
    }

    [Fact]
    public void Load_ListenersNotAList_Reported()
    {
        var error = SingleError(MeshHeader + "listeners: 127.0.0.1:19101\n");

        AssertError(error, 3, 12, "listeners", "expected a list");
    }
}
