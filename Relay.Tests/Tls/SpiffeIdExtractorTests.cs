using Relay.Tls.Certificates;
using Relay.Tls.Identity;

namespace Relay.Tests.Tls;

[Trait("Tier", "Unit")]
public sealed class SpiffeIdExtractorTests : IDisposable
{
    private readonly TestPki pki = new();

    public void Dispose() => pki.Dispose();

    private SpiffeIdExtraction ExtractFrom(params string[] uris)
    {
        using var cert = pki.Leaf(new LeafOptions(uris, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(1)));
        return SpiffeIdExtractor.Extract(cert);
    }

    [Fact]
    public void Extract_OneSpiffeUri_ReturnsId()
    {
        var result = ExtractFrom("spiffe://corp.example/host/vm-a");
        Assert.True(result.Succeeded);
        Assert.Equal("spiffe://corp.example/host/vm-a", result.Id!.ToString());
    }

    [Fact]
    public void Extract_NoUri_ReturnsNoUriSan() =>
        Assert.Equal(SpiffeIdExtractionError.NoUriSan, ExtractFrom().Error);

    [Fact]
    public void Extract_TwoUris_ReturnsMultipleUriSans() =>
        Assert.Equal(SpiffeIdExtractionError.MultipleUriSans, ExtractFrom("spiffe://corp.example/a", "spiffe://corp.example/b").Error);

    [Fact]
    public void Extract_HttpsUri_ReturnsNotSpiffe() =>
        Assert.Equal(SpiffeIdExtractionError.NotSpiffe, ExtractFrom("https://corp.example/a").Error);

    [Fact]
    public void Extract_RootUriSan_IsExactBytesWithoutTrailingSlash()
    {
        var uris = SpiffeIdExtractor.ReadUriSans(pki.Root, out var malformed);
        Assert.False(malformed);
        Assert.Equal(["spiffe://corp.example"], uris);
    }
}
