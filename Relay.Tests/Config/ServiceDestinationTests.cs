using static Relay.Tests.Config.ConfigTestFiles;

namespace Relay.Tests.Config;

[Trait("Tier", "Unit")]
public sealed class ServiceDestinationTests
{
    [Fact]
    public void Load_TwoServicesSameEndpoint_NamesBoth()
    {
        var yaml = MeshHeader + "services:\n  orders:\n    port: 80\n    endpoints: [198.18.0.2:80]\n"
            + "  payments:\n    port: 80\n    endpoints: [198.18.0.3:80, 198.18.0.2:80]\n";

        var error = SingleError(yaml);

        AssertError(error, 9, 32, "services.payments.endpoints[1]",
            "destination 198.18.0.2:80 is claimed by both service 'orders' (services.orders.endpoints[0]) and service 'payments'");
    }

    [Fact]
    public void Load_AddressOnPortCollidesWithOtherServiceEndpoint_Reported()
    {
        var yaml = MeshHeader + "services:\n  orders:\n    port: 8080\n    endpoints: [198.18.0.2:8080]\n"
            + "  shadow:\n    port: 8080\n    addresses: [198.18.0.2]\n    endpoints: [198.18.0.4:8080]\n";

        var error = SingleError(yaml);

        AssertError(error, 9, 17, "services.shadow.addresses[0]", "claimed by both service 'orders'");
    }

    [Fact]
    public void Load_SameAddressDifferentPorts_NoCollision()
    {
        var yaml = MeshHeader + "services:\n  a:\n    port: 80\n    endpoints: [198.18.0.2:80]\n"
            + "  b:\n    port: 443\n    endpoints: [198.18.0.2:443]\n";

        Assert.Equal(2, Valid(yaml).Routes.Count);
    }

    [Fact]
    public void Load_IPv4MappedIPv6Endpoint_CollidesWithIPv4()
    {
        var yaml = MeshHeader + "services:\n  a:\n    port: 80\n    endpoints: [198.18.0.2:80]\n"
            + "  b:\n    port: 80\n    endpoints: [\"[::ffff:198.18.0.2]:80\"]\n";

        var error = SingleError(yaml);

        AssertError(error, 9, 17, "services.b.endpoints[0]", "claimed by both service 'a'");
    }
}
