using System.Net;
using Relay.Core.Config;
using Relay.Core.Net;
using static Relay.Tests.Config.ConfigTestFiles;

namespace Relay.Tests.Config;

[Trait("Tier", "Unit")]
public sealed class ServicesSectionTests
{
    private const string Tls = "tls:\n  cert: /c.pem\n  key: /k.pem\n  trust_bundle: /ca.pem\n";

    [Fact]
    public void Load_BadServiceName_ReportedAtName()
    {
        var error = SingleError(MeshHeader + "services:\n  Orders_v2:\n    port: 80\n    endpoints: [198.18.0.2:80]\n");

        AssertError(error, 4, 3, "services.Orders_v2", "may only hold lowercase letters, digits and '-'");
    }

    [Fact]
    public void Load_ServiceWithoutPortAndEndpoints_BothRequired()
    {
        var errors = Load(MeshHeader + "services:\n  orders:\n    mesh_tls: false\n").Errors;

        Assert.Equal(2, errors.Count);
        AssertError(errors[0], 5, 5, "services.orders.port", "required key is missing");
        AssertError(errors[1], 5, 5, "services.orders.endpoints", "required key is missing");
    }

    [Fact]
    public void Load_ServiceProtocol_DefaultsToTcp_AutoCompiled()
    {
        const string Service = "services:\n  orders:\n    port: 80\n    endpoints: [198.18.0.2:80]\n    mesh_tls: false\n";
        Assert.Equal(AppProtocol.Tcp, Valid(MeshHeader + Service).Services.Single().Protocol);
        Assert.Equal(AppProtocol.Auto, Valid(MeshHeader + Service + "    protocol: auto\n").Services.Single().Protocol);
    }

    [Theory]
    [InlineData("http", AppProtocol.Http)]
    [InlineData("http2", AppProtocol.Http2)]
    [InlineData("grpc", AppProtocol.Grpc)]
    public void Load_HttpProtocols_OnAServiceWithoutMeshTls_Compiled(string written, AppProtocol expected)
    {
        var service = Valid(MeshHeader + Tls + $"services:\n  orders:\n    port: 80\n    endpoints: [198.18.0.2:80]\n    mesh_tls: false\n    protocol: {written}\n").Services.Single();

        Assert.Equal(expected, service.Protocol);
    }

    [Fact]
    public void Load_HttpProtocol_OnAMeshTlsService_Compiled()
    {
        var service = Valid(MeshHeader + Tls
            + "services:\n  orders:\n    port: 80\n    endpoints: [198.18.0.2:80]\n    identities: [spiffe://mesh.test/b]\n    protocol: grpc\n").Services.Single();

        Assert.Equal(AppProtocol.Grpc, service.Protocol);
        Assert.True(service.MeshTls);
    }

    [Fact]
    public void Load_EmptyEndpoints_Reported()
    {
        var error = SingleError(MeshHeader + "services:\n  orders:\n    port: 80\n    endpoints: []\n");

        AssertError(error, 6, 16, "services.orders.endpoints", "must list at least one entry");
    }

    [Fact]
    public void Load_BadEndpoint_ReportedWithIndex()
    {
        var error = SingleError(MeshHeader + "services:\n  orders:\n    port: 8080\n    endpoints: [198.18.0.2:8080, fd00::2:8080]\n");

        AssertError(error, 6, 34, "services.orders.endpoints[1]", "is not an address:port");
    }

    [Theory]
    [InlineData("1:8080")]
    [InlineData("010.0.0.1:80")]
    [InlineData("198.18.0.2")]
    [InlineData("198.18.0.2:0")]
    [InlineData("198.18.0.2:65536")]
    [InlineData("orders.internal:80")]
    public void Load_NonCanonicalEndpoint_Rejected(string endpoint)
    {
        var error = SingleError(MeshHeader + $"services:\n  orders:\n    port: 80\n    endpoints: [\"{endpoint}\"]\n");

        AssertError(error, 6, 17, "services.orders.endpoints[0]", "is not an address:port");
    }

    [Fact]
    public void Load_DuplicateEndpoint_Reported()
    {
        var error = SingleError(MeshHeader + "services:\n  orders:\n    port: 80\n    endpoints:\n      - 198.18.0.2:80\n      - 198.18.0.2:80\n");

        AssertError(error, 8, 9, "services.orders.endpoints[1]", "duplicate entry '198.18.0.2:80'");
    }

    [Fact]
    public void Load_BadAndUnspecifiedAddresses_Reported()
    {
        var errors = Load(MeshHeader + "services:\n  orders:\n    port: 80\n    addresses: [1.2.3, 0.0.0.0]\n    endpoints: [198.18.0.2:80]\n").Errors;

        Assert.Equal(2, errors.Count);
        AssertError(errors[0], 6, 17, "services.orders.addresses[0]", "is not an IP address");
        AssertError(errors[1], 6, 24, "services.orders.addresses[1]", "unspecified address");
    }

    [Fact]
    public void Load_MeshTlsServiceWithTls_IdentitiesRequired()
    {
        var error = SingleError(MeshHeader + Tls + "services:\n  orders:\n    port: 80\n    endpoints: [198.18.0.2:80]\n");

        AssertError(error, 9, 5, "services.orders.identities", "required when mesh_tls is true and a tls section exists");
    }

    [Fact]
    public void Load_EmptyIdentitiesWithTls_Reported()
    {
        var error = SingleError(MeshHeader + Tls + "services:\n  orders:\n    port: 80\n    endpoints: [198.18.0.2:80]\n    identities: []\n");

        AssertError(error, 11, 17, "services.orders.identities", "must list at least one SPIFFE ID");
    }

    [Fact]
    public void Load_PlainServiceWithTls_NeedsNoIdentities()
    {
        var service = Assert.Single(Valid(MeshHeader + Tls + "services:\n  ldap:\n    port: 389\n    endpoints: [198.18.0.9:389]\n    mesh_tls: false\n").Services);

        Assert.False(service.MeshTls);
        Assert.Empty(service.Identities);
    }

    [Fact]
    public void Load_BadAndDuplicateIdentities_Reported()
    {
        var yaml = MeshHeader + "services:\n  orders:\n    port: 80\n    endpoints: [198.18.0.2:80]\n"
            + "    identities: [spiffe://corp.example/a/, spiffe://corp.example/b, spiffe://corp.example/b]\n";

        var errors = Load(yaml).Errors;

        Assert.Equal(2, errors.Count);
        AssertError(errors[0], 7, 18, "services.orders.identities[0]", "must not end with '/'");
        AssertError(errors[1], 7, 69, "services.orders.identities[2]", "duplicate entry");
    }

    [Fact]
    public void Load_UnknownLoadBalancing_Reported()
    {
        var error = SingleError(MeshHeader + "services:\n  orders:\n    port: 80\n    endpoints: [198.18.0.2:80]\n    load_balancing: p2c-ewma\n");

        AssertError(error, 7, 21, "services.orders.load_balancing", "'p2c-ewma' is not one of: round-robin, random, least-request, peak-ewma, ring-hash");
    }

    [Fact]
    public void Load_TimeoutsUnknownKeyAndBadDuration_BothReported()
    {
        var yaml = MeshHeader + "services:\n  orders:\n    port: 80\n    endpoints: [198.18.0.2:80]\n    timeouts: { conect: 1s, idle: 1d }\n";

        var errors = Load(yaml).Errors;

        Assert.Equal(2, errors.Count);
        AssertError(errors[0], 7, 17, "services.orders.timeouts.conect", "did you mean 'connect'?");
        AssertError(errors[1], 7, 35, "services.orders.timeouts.idle", "not a duration");
    }

    [Fact]
    public void Load_ServiceDefaultsAndOverrides_Compiled()
    {
        var yaml = MeshHeader + "limits:\n  connect_timeout: 3s\n  idle_timeout: 2h\nservices:\n"
            + "  orders:\n    port: 8080\n    endpoints: [198.18.0.2:8080]\n"
            + "  billing:\n    port: 5432\n    addresses: [198.18.10.5]\n    endpoints: [\"[fd00::3]:5432\"]\n    timeouts: { connect: 100ms }\n";

        var services = Valid(yaml).Services;

        var orders = services[0];
        Assert.Equal(("orders", 8080, true, LoadBalancing.RoundRobin), (orders.Name, orders.Port, orders.MeshTls, orders.LoadBalancing));
        Assert.Empty(orders.Addresses);
        Assert.Equal((TimeSpan.FromSeconds(3), TimeSpan.FromHours(2)), (orders.ConnectTimeout, orders.IdleTimeout));
        var billing = services[1];
        Assert.Equal(IPAddress.Parse("198.18.10.5"), Assert.Single(billing.Addresses));
        Assert.Equal(new NetEndpoint(IPAddress.Parse("fd00::3"), 5432), Assert.Single(billing.Endpoints));
        Assert.Equal((TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(2)), (billing.ConnectTimeout, billing.IdleTimeout));
    }

    [Fact]
    public void Load_ServicesAsList_Reported()
    {
        var error = SingleError(MeshHeader + "services:\n  - orders\n");

        AssertError(error, 4, 3, "services", "expected a mapping");
    }
}
