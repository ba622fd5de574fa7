using Relay.Bench;

namespace Relay.Tests.Bench;

/// <summary>The scenario commands' options: a typo or a bad value is an error, never a silent default.</summary>
[Trait("Tier", "Unit")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ScenarioArgsTests
{
    private static readonly string[] Known = ["--rounds", "--attacker-nice", "--out"];

    [Fact]
    public void GivenValues_AreRead_AndAbsentOnesTakeTheDefault()
    {
        var args = new ScenarioArgs(["--rounds", "5", "--out", "/tmp/x.md"], Known);

        Assert.Equal(5, args.Int("--rounds", 2));
        Assert.Equal(0, args.Int("--attacker-nice", 0, min: 0, max: 19));
        Assert.Equal("/tmp/x.md", args.Text("--out"));
        Assert.Empty(args.Errors);
        Assert.False(args.Failed(TextWriter.Null));
    }

    [Fact]
    public void UnknownOption_IsAnError_NamingIt()
    {
        var args = new ScenarioArgs(["--round", "5"], Known);

        Assert.Contains(args.Errors, e => e.Contains("unknown option '--round'", StringComparison.Ordinal));
        var written = new StringWriter();
        Assert.True(args.Failed(written));
        Assert.Contains("--round", written.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("many")]
    [InlineData("20")]
    [InlineData("-1")]
    [InlineData("1.5")]
    public void ValueThatIsNotAnIntegerInRange_IsAnError_NotTheDefault(string value)
    {
        var args = new ScenarioArgs(["--attacker-nice", value], Known);

        Assert.Equal(0, args.Int("--attacker-nice", 0, min: 0, max: 19));
        var error = Assert.Single(args.Errors);
        Assert.Equal($"--attacker-nice: expected an integer from 0 to 19, got '{value}'", error);
    }

    [Fact]
    public void MissingValue_AndRepeatedOption_AreErrors()
    {
        Assert.Equal("--rounds needs a value", Assert.Single(new ScenarioArgs(["--rounds"], Known).Errors));
        Assert.Equal("--rounds needs a value", Assert.Single(new ScenarioArgs(["--rounds", "--out", "f"], Known).Errors));
        Assert.Equal("--rounds is given more than once", Assert.Single(new ScenarioArgs(["--rounds", "1", "--rounds", "2"], Known).Errors));
    }

    [Fact]
    public void Flags_TakeNoValue_AndAValueAfterOneIsNotSwallowed()
    {
        var args = new ScenarioArgs(["--quick", "--out", "d"], ["--quick", "--profile"], "--out");

        Assert.True(args.Flag("--quick"));
        Assert.False(args.Flag("--profile"));
        Assert.Equal("d", args.Text("--out"));
        Assert.Empty(args.Errors);
        // A flag where a value belongs is the value missing, not the value "--quick".
        Assert.Equal("--out needs a value", Assert.Single(new ScenarioArgs(["--out", "--quick"], ["--quick"], "--out").Errors));
    }
}
