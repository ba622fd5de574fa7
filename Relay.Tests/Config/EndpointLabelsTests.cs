using Relay.Core.Config.Validation;
using System.Net;
using Relay.Core.Config;
using Relay.Core.Net;
using static Relay.Tests.Config.ConfigTestFiles;

namespace Relay.Tests.Config;

/// <summary>services[].endpoints in the mapping form {address, labels, zone}, beside plain "ip:port".</summary>
[Trait("Tier", "Unit")]
public sealed class EndpointLabelsTests
{
    private const string Service = "services:\n  orders:\n    port: 80\n    mesh_tls: false\n    endpoints:\n";

    [Fact]
    public void Load_MixedForms_CompiledIndexForIndex()
    {
        var service = Valid(MeshHeader + Service
            + "      - 198.18.0.2:80\n"
            + "      - {address: 198.18.0.3:80, labels: {version: v2, app.kubernetes.io/name: orders}, zone: eu-1a}\n").Services.Single();

        Assert.Equal([Ep("198.18.0.2:80"), Ep("198.18.0.3:80")], service.Endpoints.ToArray());
        Assert.Equal(service.Endpoints.ToArray(), service.EndpointDetails.Select(d => d.Address).ToArray());
        Assert.Empty(service.EndpointDetails[0].Labels);
        Assert.Null(service.EndpointDetails[0].Zone);
        Assert.Equal("v2", service.EndpointDetails[1].Labels["version"]);
        Assert.Equal("orders", service.EndpointDetails[1].Labels["app.kubernetes.io/name"]);
        Assert.Equal("eu-1a", service.EndpointDetails[1].Zone);
    }

    [Fact]
    public void Load_BlockMappingForm_WithQuotedEmptyValue()
    {
        var service = Valid(MeshHeader + Service
            + "      - address: \"[fd00::3]:80\"\n        labels:\n          version: \"2\"\n          canary: \"\"\n").Services.Single();

        var details = Assert.Single(service.EndpointDetails);
        Assert.Equal(Ep("[fd00::3]:80"), details.Address);
        Assert.Equal("2", details.Labels["version"]);
        Assert.Equal("", details.Labels["canary"]);
    }

    [Fact]
    public void Matches_SelectorSubset_AllLabelsMustAgree()
    {
        var details = Valid(MeshHeader + Service + "      - {address: 198.18.0.3:80, labels: {version: v2, track: canary}}\n")
            .Services.Single().EndpointDetails.Single();

        Assert.True(details.Matches(new Dictionary<string, string>()));
        Assert.True(details.Matches(new Dictionary<string, string> { ["version"] = "v2" }));
        Assert.False(details.Matches(new Dictionary<string, string> { ["version"] = "v1" }));
        Assert.False(details.Matches(new Dictionary<string, string> { ["version"] = "v2", ["zone"] = "a" }));
    }

    [Fact]
    public void Load_MissingAddress_ReportedAtTheEntry()
    {
        var error = SingleError(MeshHeader + Service + "      - {labels: {version: v2}}\n");

        AssertError(error, 8, 9, "services.orders.endpoints[0].address", "required key is missing");
    }

    [Fact]
    public void Load_UnknownEndpointKey_Suggested()
    {
        var error = SingleError(MeshHeader + Service + "      - {address: 198.18.0.3:80, lables: {version: v2}}\n");

        AssertError(error, 8, 34, "services.orders.endpoints[0].lables", "did you mean 'labels'?");
    }

    [Fact]
    public void Load_BadAddressInMappingForm_ReportedAtAddress()
    {
        var error = SingleError(MeshHeader + Service + "      - {address: 198.18.0.3, zone: a}\n");

        AssertError(error, 8, 19, "services.orders.endpoints[0].address", "is not an address:port");
    }

    [Theory]
    [InlineData("-version", "the name must be 1-63")]
    [InlineData("ver sion", "the name must be 1-63")]
    [InlineData("Example.COM/version", "the prefix before '/' must be a DNS subdomain")]
    [InlineData("example.com/", "the name must be 1-63")]
    [InlineData("a/b/c", "the name must be 1-63")]
    public void Load_BadLabelKey_ReportedAtTheKey(string key, string message)
    {
        var error = SingleError(MeshHeader + Service + $"      - address: 198.18.0.3:80\n        labels:\n          \"{key}\": v2\n");

        AssertError(error, 10, 11, $"services.orders.endpoints[0].labels.{key}", message);
    }

    [Fact]
    public void Load_LabelNameOf64Characters_Rejected_63Accepted()
    {
        string Yaml(int n) => MeshHeader + Service + $"      - {{address: 198.18.0.3:80, labels: {{{new string('a', n)}: v}}}}\n";

        Valid(Yaml(63));
        Assert.Contains("the name must be 1-63", SingleError(Yaml(64)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("v2_")]
    [InlineData("v 2")]
    [InlineData("ü")]
    public void Load_BadLabelValue_ReportedAtTheValue(string value)
    {
        var error = SingleError(MeshHeader + Service + $"      - address: 198.18.0.3:80\n        labels:\n          version: \"{value}\"\n");

        AssertError(error, 10, 20, "services.orders.endpoints[0].labels.version", "label value");
    }

    [Fact]
    public void Load_NullLabelValue_AsksForQuotes()
    {
        var error = SingleError(MeshHeader + Service + "      - address: 198.18.0.3:80\n        labels:\n          version:\n");

        Assert.Equal("services.orders.endpoints[0].labels.version", error.KeyPath);
        Assert.Contains("write \"\" for an empty value", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_LabelsNotAMapping_Reported()
    {
        var error = SingleError(MeshHeader + Service + "      - {address: 198.18.0.3:80, labels: [version]}\n");

        AssertError(error, 8, 42, "services.orders.endpoints[0].labels", "expected a mapping of label: value");
    }

    [Fact]
    public void Load_TooManyLabels_Reported()
    {
        var labels = string.Join(", ", Enumerable.Range(0, EndpointsValidator.MaxLabels + 1).Select(i => $"k{i}: v"));
        var error = SingleError(MeshHeader + Service + $"      - {{address: 198.18.0.3:80, labels: {{{labels}}}}}\n");

        AssertError(error, 8, 9, "services.orders.endpoints[0].labels", $"at most {EndpointsValidator.MaxLabels} labels");
    }

    [Fact]
    public void Load_BadZone_ReportedAtZone()
    {
        var error = SingleError(MeshHeader + Service + "      - {address: 198.18.0.3:80, zone: \"eu 1\"}\n");

        AssertError(error, 8, 40, "services.orders.endpoints[0].zone", "zone 'eu 1'");
    }

    [Fact]
    public void Load_DuplicateAddressAcrossForms_Reported()
    {
        var error = SingleError(MeshHeader + Service + "      - 198.18.0.3:80\n      - {address: 198.18.0.3:80, labels: {version: v2}}\n");

        AssertError(error, 9, 19, "services.orders.endpoints[1].address", "duplicate entry '198.18.0.3:80'");
    }

    private static NetEndpoint Ep(string text) => NetEndpoint.TryParse(text, out var e) ? e : throw new ArgumentException(text);
}
