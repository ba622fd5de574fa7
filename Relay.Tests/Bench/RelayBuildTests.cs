using Relay.Bench.Load;

namespace Relay.Tests.Bench;

/// <summary>The load runner measures the NativeAOT executable unless told otherwise; a .dll runs the JIT build under dotnet.</summary>
[Trait("Tier", "Unit")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class RelayBuildTests
{
    [Fact]
    public void Resolve_NativePath_RunsItDirectlyWithoutPublishing()
    {
        var build = RelayBuild.Resolve("/opt/relay/relay");

        Assert.True(build.IsNative);
        Assert.False(build.Publish);
        Assert.Equal(["/opt/relay/relay"], build.Command);
    }

    [Fact]
    public void Resolve_Dll_RunsTheJitBuildUnderDotnet()
    {
        var build = RelayBuild.Resolve("/tmp/bin/relay.dll");

        Assert.False(build.IsNative);
        Assert.Equal(["dotnet", "/tmp/bin/relay.dll"], build.Command);
        Assert.Contains("JIT", build.Kind, StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultNative_IsTheReleaseLinuxX64PublishOutput()
    {
        Assert.EndsWith("Relay.Daemon/bin/Release/net10.0/linux-x64/publish/relay", RelayBuild.DefaultNative, StringComparison.Ordinal);
    }
}
