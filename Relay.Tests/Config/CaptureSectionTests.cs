using System.Net;
using Relay.Core.Config;
using static Relay.Tests.Config.ConfigTestFiles;

namespace Relay.Tests.Config;

[Trait("Tier", "Unit")]
public sealed class CaptureSectionTests
{
    [Fact]
    public void Load_CapturePortOutOfRange_Reported()
    {
        var error = SingleError(MeshHeader + "capture:\n  inbound_port: 70000\n");

        AssertError(error, 4, 17, "capture.inbound_port", "must be between 1 and 65535, got 70000");
    }

    [Fact]
    public void Load_ExcludePortOutOfRange_ReportedWithIndex()
    {
        var error = SingleError(MeshHeader + "capture:\n  exclude_outbound_ports: [53, 0]\n");

        AssertError(error, 4, 32, "capture.exclude_outbound_ports[1]", "must be between 1 and 65535, got 0");
    }

    [Fact]
    public void Load_DuplicateExcludePort_Reported()
    {
        var error = SingleError(MeshHeader + "capture:\n  exclude_inbound_ports: [22, 2222, 22]\n");

        AssertError(error, 4, 37, "capture.exclude_inbound_ports[2]", "duplicate entry '22' (already listed at capture.exclude_inbound_ports[0])");
    }

    [Fact]
    public void Load_PortAsQuotedString_WrongType()
    {
        var error = SingleError(MeshHeader + "capture:\n  outbound_port: \"15001\"\n");

        AssertError(error, 4, 18, "capture.outbound_port", "quoted string '15001' (remove the quotes)");
    }

    [Fact]
    public void Load_InvalidCidr_Reported()
    {
        var error = SingleError(MeshHeader + "capture:\n  exclude_cidrs:\n    - 10.0.0.0/8\n    - 10.0.0.300/8\n");

        AssertError(error, 6, 7, "capture.exclude_cidrs[1]", "not a CIDR");
    }

    [Fact]
    public void Load_CidrWithHostBits_SuggestsNetwork()
    {
        var error = SingleError(MeshHeader + "capture:\n  exclude_cidrs: [10.1.2.3/8]\n");

        AssertError(error, 4, 19, "capture.exclude_cidrs[0]", "host bits set; did you mean 10.0.0.0/8?");
    }

    [Fact]
    public void Load_DuplicateCidr_Reported()
    {
        var error = SingleError(MeshHeader + "capture:\n  exclude_cidrs: [\"fd00::/8\", \"fd00::/8\"]\n");

        AssertError(error, 4, 31, "capture.exclude_cidrs[1]", "duplicate entry");
    }

    [Fact]
    public void Load_InvalidUser_Reported()
    {
        var errors = Load(MeshHeader + "capture:\n  run_as: Relay\n  exclude_uids: [postgres, 1001, 4294967295]\n").Errors;

        Assert.Equal(2, errors.Count);
        AssertError(errors[0], 4, 11, "capture.run_as", "not a user name or uid");
        AssertError(errors[1], 5, 34, "capture.exclude_uids[2]", "not a user name or uid");
    }

    [Fact]
    public void Load_UnknownOutboundPolicy_ListsChoices()
    {
        var error = SingleError(MeshHeader + "capture:\n  outbound_policy: deny\n");

        AssertError(error, 4, 20, "capture.outbound_policy", "'deny' is not one of: passthrough, registry-only");
    }

    [Fact]
    public void Load_Ipv6NotBoolean_WrongType()
    {
        var error = SingleError(MeshHeader + "capture:\n  ipv6: yes\n");

        AssertError(error, 4, 9, "capture.ipv6", "expected true or false, got 'yes'");
    }

    [Fact]
    public void Load_ExcludeListAsScalar_WrongType()
    {
        var error = SingleError(MeshHeader + "capture:\n  exclude_uids: postgres\n");

        AssertError(error, 4, 17, "capture.exclude_uids", "expected a list");
    }

    [Fact]
    public void Load_FullCapture_Compiled()
    {
        var yaml = MeshHeader + "capture:\n  outbound_port: 16001\n  inbound_port: 16006\n  run_as: proxy\n  exclude_uids: [postgres, 1001]\n"
            + "  exclude_outbound_ports: [53]\n  exclude_inbound_ports: []\n  exclude_cidrs: [169.254.169.254/32, \"fd00::/8\"]\n"
            + "  outbound_policy: registry-only\n  ipv6: false\n";

        var capture = Valid(yaml).Capture;

        Assert.Equal((16001, 16006, "proxy", OutboundPolicy.RegistryOnly, false), (capture.OutboundPort, capture.InboundPort, capture.RunAsUser, capture.OutboundPolicy, capture.Ipv6));
        Assert.Equal(["postgres", "1001"], capture.ExcludeUids.ToArray());
        Assert.Equal([53], capture.ExcludeOutboundPorts.ToArray());
        Assert.Empty(capture.ExcludeInboundPorts);
        Assert.Equal([IPNetwork.Parse("169.254.169.254/32"), IPNetwork.Parse("fd00::/8")], capture.ExcludeCidrs.ToArray());
    }
}
