using Relay.Core.Config.Yaml;

namespace Relay.Tests.Config;

[Trait("Tier", "Unit")]
public sealed class KeySuggesterTests
{
    private static readonly string[] Known = ["port", "forward_to", "protocol", "mtls", "allow", "idle_timeout"];

    [Theory]
    [InlineData("prot", "port")]
    [InlineData("fowrard_to", "forward_to")]
    [InlineData("forward-to", "forward_to")]
    [InlineData("MTLS", "mtls")]
    [InlineData("idle_timout", "idle_timeout")]
    public void Suggest_CloseTypo_ReturnsKnownKey(string typo, string expected)
    {
        Assert.Equal(expected, KeySuggester.Suggest(typo, Known));
    }

    [Theory]
    [InlineData("listen")]
    [InlineData("timeout")]
    public void Suggest_FarFromEveryKey_ReturnsNull(string unknown)
    {
        Assert.Null(KeySuggester.Suggest(unknown, Known));
    }
}
