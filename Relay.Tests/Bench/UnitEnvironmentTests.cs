using Relay.Bench.Load;

namespace Relay.Tests.Bench;

/// <summary>The load runner starts every Relay with the unit's Environment= lines, so what it measures is what systemd runs.</summary>
[Trait("Tier", "Unit")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class UnitEnvironmentTests
{
    [Fact]
    public void Read_TheShippedUnit_GivesItsRuntimeSettings()
    {
        var pairs = UnitEnvironment.Read();

        Assert.Contains(new KeyValuePair<string, string>("MALLOC_ARENA_MAX", "2"), pairs);
        Assert.Contains(new KeyValuePair<string, string>("DOTNET_gcServer", "0"), pairs);
    }

    [Fact]
    public void Parse_TakesOnlyEnvironmentLines_SplitAtTheFirstEquals()
    {
        var pairs = UnitEnvironment.Parse(["[Service]", "# Environment=NOT=THIS", "  Environment=A=b=c", "ExecStart=/x"]);

        Assert.Equal([new KeyValuePair<string, string>("A", "b=c")], pairs);
    }

    [Theory]
    [InlineData("Environment=\"A=1\"")]
    [InlineData("Environment=A=1 B=2")]
    [InlineData("Environment==1")]
    public void Parse_AFormItCannotPassOn_IsAnErrorNotASilentSkip(string line)
    {
        var error = Assert.Throws<InvalidOperationException>(() => UnitEnvironment.Parse([line]));

        Assert.Contains("relay.service", error.Message, StringComparison.Ordinal);
    }
}
