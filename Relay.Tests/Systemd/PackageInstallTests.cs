using Relay.Tests.Root.Infrastructure;

namespace Relay.Tests.Systemd;

/// <summary>test.sh installed scripts/packages.txt (as root, on a fresh machine): its commands are there.</summary>
[Trait("Tier", "Root")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class PackageInstallTests
{
    /// <summary>After test.sh installed the list, every command of its groups is on PATH and every file entry (a library, "/usr/lib/...") exists (a wrong package name fails here).</summary>
    [Fact]
    public void PackageList_EveryTestCommandIsInstalled()
    {
        RootRequirement.Assert();
        var list = PackageListTests.PackageList.Load(RepoFiles.PathOf("scripts/packages.txt"));

        var absent = list.Commands.Values
            .Where(e => e.Groups.Contains("test") || e.Groups.Contains("bench"))
            .Where(e => e.Command.StartsWith('/') ? !File.Exists(e.Command) : PackageListTests.Executables.Find(e.Command) is null)
            .Select(e => $"{e.Command} ({e.Package})").ToList();

        Assert.True(absent.Count == 0, "not installed although test.sh installs them: " + string.Join(", ", absent));
    }
}
