using Relay.Core.Config;
using static Relay.Tests.Config.ConfigTestFiles;

namespace Relay.Tests.Config;

[Trait("Tier", "Unit")]
public sealed class DurationParserTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("2s", 2_000)]
    [InlineData("5m", 300_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("596h", 2_145_600_000)]
    public void TryParse_IntegerAndUnit_Parses(string text, long milliseconds)
    {
        Assert.True(DurationParser.TryParse(text, out var duration, out var error), error);
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("", "not a duration")]
    [InlineData("2", "not a duration")]
    [InlineData("s", "not a duration")]
    [InlineData("1.5s", "not a duration")]
    [InlineData("-2s", "not a duration")]
    [InlineData("2 s", "not a duration")]
    [InlineData("2d", "not a duration")]
    [InlineData("1h30m", "not a duration")]
    [InlineData("0s", "greater than zero")]
    [InlineData("597h", "too long")]
    [InlineData("99999999999999999999h", "not a duration")]
    public void TryParse_Invalid_Rejected(string text, string messagePart)
    {
        Assert.False(DurationParser.TryParse(text, out _, out var error));
        Assert.Contains(messagePart, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BadDuration_ReportedAtValue()
    {
        var error = SingleError(MeshHeader + "limits:\n  drain_timeout: 0s\n");

        AssertError(error, 4, 18, "limits.drain_timeout", "greater than zero");
    }
}
