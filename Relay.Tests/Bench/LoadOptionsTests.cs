using Relay.Bench.Load;

namespace Relay.Tests.Bench;

/// <summary>The load command's options: a typo stops the run (exit 2) instead of measuring something else.</summary>
[Trait("Tier", "Unit")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class LoadOptionsTests
{
    [Fact]
    public void KnownOptions_AreRead()
    {
        var options = LoadOptions.Parse(["--quick", "--targets", "direct,relay-l4", "--out", "/tmp/r", "--profile"], out var error);

        Assert.Null(error);
        Assert.True(options.Quick);
        Assert.True(options.Profile);
        Assert.False(options.SkipHaproxy);
        Assert.Equal("/tmp/r", options.OutDir);
        Assert.Equal(["direct", "relay-l4"], options.Targets!.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("--profil", "unknown option '--profil'")]
    [InlineData("--out", "--out needs a value")]
    [InlineData("relay-l4", "unexpected argument 'relay-l4'")]
    public void Mistakes_AreErrors(string arg, string expected)
    {
        LoadOptions.Parse(["--quick", arg], out var error);

        Assert.NotNull(error);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownTargets_AreTheNamesTheRunHasNoTargetFor()
    {
        var options = LoadOptions.Parse(["--targets", "relay-l4,relay-l44,haproxy-l4"], out _);

        Assert.Equal(["haproxy-l4", "relay-l44"], options.UnknownTargets(["direct", "relay-l4"]));
        Assert.Empty(LoadOptions.Parse([], out _).UnknownTargets(["direct"]));
    }
}
