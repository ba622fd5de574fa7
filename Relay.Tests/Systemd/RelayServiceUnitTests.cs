using Relay.Core.Iptables;

namespace Relay.Tests.Systemd;

/// <summary>
/// systemd/relay.service checked by systemd-analyze itself. verify insists every Exec path exists,
/// so the test verifies a copy whose /opt/relay/relay points at a placeholder script in a temp dir;
/// every other line is verified exactly as shipped.
/// </summary>
[Trait("Tier", "Unit")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class RelayServiceUnitTests : IDisposable
{
    private static readonly TimeSpan VerifyTimeout = TimeSpan.FromSeconds(30);
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("relay-unit-");

    public void Dispose() => _temp.Delete(recursive: true);

    private static string UnitText => File.ReadAllText(RepoFiles.PathOf("systemd/relay.service"));

    private CommandResult Verify(string unitText)
    {
        var placeholder = Path.Combine(_temp.FullName, "relay");
        File.WriteAllText(placeholder, "#!/bin/sh\nexit 0\n");
        File.SetUnixFileMode(placeholder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        var unit = Path.Combine(_temp.FullName, "relay.service");
        File.WriteAllText(unit, unitText.Replace("/opt/relay/relay", placeholder, StringComparison.Ordinal));
        return ProcessRunner.Run("systemd-analyze", ["verify", "--man=no", unit], null, VerifyTimeout);
    }

    [Fact]
    public void Verify_ShippedUnit_NoDiagnostics()
    {
        var result = Verify(UnitText);

        Assert.True(result.Started, result.Stderr);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Stderr.Trim());
    }

    [Fact]
    public void Verify_BrokenUnit_ReportsIt()
    {
        // Proves the check above has teeth: verify prints parse errors even though it exits 0.
        var result = Verify(UnitText.Replace("Type=notify", "Type=notifyy", StringComparison.Ordinal));

        Assert.Contains("Failed to parse service type", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Type=notify")]
    [InlineData("User=relay")]
    [InlineData("Group=relay")]
    [InlineData("ExecStartPre=+/opt/relay/relay iptables apply --config /etc/relay/mesh.yaml")]
    [InlineData("ExecStart=/opt/relay/relay run --config /etc/relay/mesh.yaml --state-dir /var/lib/relay")]
    [InlineData("ExecReload=/bin/kill -HUP $MAINPID")]
    [InlineData("Restart=on-failure")]
    [InlineData("CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW")]
    [InlineData("AmbientCapabilities=CAP_NET_ADMIN CAP_NET_RAW")]
    [InlineData("NoNewPrivileges=yes")]
    [InlineData("ProtectSystem=strict")]
    [InlineData("ProtectHome=yes")]
    [InlineData("PrivateTmp=yes")]
    [InlineData("StateDirectory=relay")]
    [InlineData("ReadWritePaths=/var/lib/relay")]
    [InlineData("LimitNOFILE=65536")]
    [InlineData("Environment=DOTNET_gcServer=0")]
    public void Unit_HasDirective(string line)
    {
        Assert.Contains(line, UnitText.Split('\n'));
    }

    [Fact]
    public void Unit_StopTimeoutAboveThirtySecondDrain()
    {
        var line = UnitText.Split('\n').Single(l => l.StartsWith("TimeoutStopSec=", StringComparison.Ordinal));

        Assert.True(int.Parse(line["TimeoutStopSec=".Length..].TrimEnd('s'), System.Globalization.CultureInfo.InvariantCulture) > 30);
    }

    [Fact]
    public void Unit_RulesRemovedOnlyAfterCleanStop()
    {
        var line = UnitText.Split('\n').Single(l => l.StartsWith("ExecStopPost=", StringComparison.Ordinal));

        Assert.StartsWith("ExecStopPost=+", line, StringComparison.Ordinal);
        Assert.Contains("\"$$SERVICE_RESULT\" = success", line, StringComparison.Ordinal);
        Assert.Contains("relay iptables remove --config /etc/relay/mesh.yaml", line, StringComparison.Ordinal);
    }
}
