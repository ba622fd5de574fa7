using Relay.Core.Iptables;

namespace Relay.Tests.Systemd;

/// <summary>The install, uninstall and capture scripts parse (bash -n) and pass shellcheck.</summary>
[Trait("Tier", "Unit")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ShellScriptTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static TheoryData<string> Scripts => ["install.sh", "uninstall.sh", "iptables/relay-capture.sh"];

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Script_BashSyntaxOk(string script)
    {
        var result = ProcessRunner.Run("bash", ["-n", RepoFiles.PathOf(script)], null, Timeout);

        Assert.True(result.Succeeded, result.Stderr);
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Script_ShellcheckClean(string script)
    {
        var result = ProcessRunner.Run("shellcheck", [RepoFiles.PathOf(script)], null, Timeout);

        Assert.True(result.Started, "shellcheck is not installed: apt-get install -y shellcheck");
        Assert.True(result.ExitCode == 0, result.Stdout);
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Script_IsExecutable(string script)
    {
        var mode = File.GetUnixFileMode(RepoFiles.PathOf(script));

        Assert.True(mode.HasFlag(UnixFileMode.UserExecute), $"{script} is not executable");
    }
}
