using System.Net;
using Relay.Core.Config;
using Relay.Core.Net;
using static Relay.Tests.Config.ConfigTestFiles;

namespace Relay.Tests.Config;

[Trait("Tier", "Unit")]
public sealed class InboundSectionTests
{
    private const string Tls = "tls:\n  cert: /c.pem\n  key: /k.pem\n  trust_bundle: /ca.pem\n";

    [Fact]
    public void Load_InboundPortMissing_Required()
    {
        var error = SingleError(MeshHeader + "inbound:\n  - mtls: permissive\n");

        AssertError(error, 4, 5, "inbound[0].port", "required key is missing");
    }

    [Fact]
    public void Load_InboundPortOutOfRange_Reported()
    {
        var error = SingleError(MeshHeader + "inbound:\n  - port: 65536\n");

        AssertError(error, 4, 11, "inbound[0].port", "must be between 1 and 65535, got 65536");
    }

    [Fact]
    public void Load_DuplicateInboundPort_PointsAtFirst()
    {
        var error = SingleError(MeshHeader + "inbound:\n  - port: 8080\n  - port: 9090\n  - port: 8080\n");

        AssertError(error, 6, 11, "inbound[2].port", "port 8080 is already declared at inbound[0].port");
    }

    [Theory]
    [InlineData("http", AppProtocol.Http)]
    [InlineData("http2", AppProtocol.Http2)]
    [InlineData("grpc", AppProtocol.Grpc)]
    public void Load_HttpProtocols_Compiled(string protocol, AppProtocol expected)
    {
        var port = Valid(MeshHeader + $"inbound:\n  - port: 80\n    protocol: {protocol}\n").Inbound.Single();

        Assert.Equal(expected, port.Protocol);
    }

    [Fact]
    public void Load_UnknownProtocol_ListsTheWords()
    {
        var error = SingleError(MeshHeader + "inbound:\n  - port: 80\n    protocol: udp\n");

        AssertError(error, 5, 15, "inbound[0].protocol", "'udp' is not one of: tcp, http, http2, grpc, auto");
    }

    [Fact]
    public void Load_AutoProtocol_Compiled()
    {
        var port = Valid(MeshHeader + "inbound:\n  - port: 80\n    protocol: auto\n").Inbound.Single();

        Assert.Equal(AppProtocol.Auto, port.Protocol);
    }

    [Fact]
    public void Load_StrictWithoutTls_Reported()
    {
        var error = SingleError(MeshHeader + "inbound:\n  - port: 80\n    mtls: strict\n");

        AssertError(error, 5, 11, "inbound[0].mtls", "needs a tls section");
    }

    [Fact]
    public void Load_UnknownMtlsMode_Reported()
    {
        var error = SingleError(MeshHeader + "inbound:\n  - port: 80\n    mtls: optional\n");

        AssertError(error, 5, 11, "inbound[0].mtls", "'optional' is not one of: strict, permissive");
    }

    [Fact]
    public void Load_BadAllowPattern_ReportedWithIndex()
    {
        var error = SingleError(MeshHeader + "inbound:\n  - port: 80\n    allow:\n      - spiffe://corp.example/a\n      - spiffe://Corp/*\n");

        AssertError(error, 7, 9, "inbound[0].allow[1]", "trust domain has character 'C'");
    }

    [Fact]
    public void Load_DuplicateAllowEntry_Reported()
    {
        var error = SingleError(MeshHeader + "inbound:\n  - port: 80\n    allow: [spiffe://corp.example/a, spiffe://corp.example/a]\n");

        AssertError(error, 5, 38, "inbound[0].allow[1]", "duplicate entry 'spiffe://corp.example/a'");
    }

    [Fact]
    public void Load_PortInDefaultExcludeList_Reported()
    {
        var error = SingleError(MeshHeader + "inbound:\n  - port: 22\n");

        AssertError(error, 4, 11, "inbound[0].port", "port 22 is in capture.exclude_inbound_ports (a default)");
    }

    [Fact]
    public void Load_PortInExplicitExcludeList_Reported()
    {
        var error = SingleError(MeshHeader + "capture:\n  exclude_inbound_ports: [9000]\ninbound:\n  - port: 9000\n");

        AssertError(error, 6, 11, "inbound[0].port", "port 9000 is in capture.exclude_inbound_ports, so");
    }

    [Fact]
    public void Load_ExplicitEmptyExcludeList_AllowsPort22()
    {
        var snapshot = Valid(MeshHeader + "capture:\n  exclude_inbound_ports: []\ninbound:\n  - port: 22\n");

        Assert.True(snapshot.InboundByPort.ContainsKey(22));
    }

    [Fact]
    public void Load_InboundDefaults_WithoutTls_Permissive()
    {
        var port = Valid(MeshHeader + "limits:\n  idle_timeout: 5m\ninbound:\n  - port: 8080\n").InboundByPort[8080];

        Assert.Equal(new NetEndpoint(IPAddress.Loopback, 8080), port.ForwardTo);
        Assert.Equal((AppProtocol.Tcp, MtlsMode.Permissive), (port.Protocol, port.Mtls));
        Assert.Null(port.Allow);
        Assert.Equal(TimeSpan.FromMinutes(5), port.IdleTimeout);
    }

    [Fact]
    public void Load_InboundDefaults_WithTls_Strict()
    {
        var port = Valid(MeshHeader + Tls + "inbound:\n  - port: 8080\n").InboundByPort[8080];

        Assert.Equal(MtlsMode.Strict, port.Mtls);
    }

    [Fact]
    public void Load_EmptyAllow_MeansDenyAll()
    {
        var port = Valid(MeshHeader + Tls + "inbound:\n  - port: 8080\n    allow: []\n").InboundByPort[8080];

        Assert.NotNull(port.Allow);
        Assert.Empty(port.Allow.Value);
    }

    [Fact]
    public void Load_InboundFull_Compiled()
    {
        var yaml = MeshHeader + "inbound:\n  - port: 8080\n    forward_to: \"[::1]:9090\"\n    allow: [spiffe://corp.example/ns/*]\n    idle_timeout: 30s\n";

        var snapshot = Valid(yaml);

        var port = Assert.Single(snapshot.Inbound);
        Assert.Same(port, snapshot.InboundByPort[8080]);
        Assert.Equal(new NetEndpoint(IPAddress.IPv6Loopback, 9090), port.ForwardTo);
        Assert.Equal("spiffe://corp.example/ns/*", Assert.Single(port.Allow!.Value).ToString());
        Assert.Equal(TimeSpan.FromSeconds(30), port.IdleTimeout);
    }

    [Fact]
    public void Load_InboundNotAList_Reported()
    {
        var error = SingleError(MeshHeader + "inbound:\n  port: 80\n");

        AssertError(error, 4, 3, "inbound", "expected a list, got a mapping");
    }
}
