using System.Text.RegularExpressions;
using Relay.Tests.Root.Infrastructure;
using Relay.Tests.Systemd;

namespace Relay.Tests.Root;

/// <summary>
/// systemd/relay.service, unchanged, under a real systemd (PID 1 of a systemd-nspawn container):
/// Type=notify start completes only on READY=1, `systemctl reload` goes through SIGHUP and reports the
/// new revision in StatusText, a bad edit is reported there while the unit stays active, a stop with
/// the bad edit on disk keeps the rules (fail-closed), and a clean stop drains and removes them.
/// </summary>
[Trait("Tier", "Root")]
[Collection(RootCollection.Name)]
public sealed partial class SystemdUnitTests
{
    private const string Config = """
        mesh: { trust_domain: mesh.test }
        capture: { run_as: relay, ipv6: true }
        inbound: [{ port: 8080, mtls: permissive }]
        """;

    [Fact]
    public async Task Unit_UnderRealSystemd_StartsOnReady_ReloadsOnSighup_StopsAndRemovesRules()
    {
        RootRequirement.Assert();
        await using var machine = await NspawnMachine.BootAsync(new Dictionary<string, string>
        {
            ["etc/systemd/system/relay.service"] = File.ReadAllText(RepoFiles.PathOf("systemd/relay.service")),
            ["etc/relay/mesh.yaml"] = Config,
        }, await DaemonBinaries.DirectoryAsync());

        var started = await machine.RunAsync("systemctl", "start", "relay");
        Assert.True(started.Succeeded, started + await JournalAsync(machine));
        Assert.Equal("active", await machine.PropertyAsync("relay", "ActiveState"));
        var first = Revision().Match(await machine.PropertyAsync("relay", "StatusText"));
        Assert.True(first.Success, await JournalAsync(machine));
        Assert.Contains("RELAY_INBOUND", (await machine.RunAsync("iptables-save", "-t", "nat")).EnsureSuccess().Stdout);
        Assert.Contains("RELAY_INBOUND", (await machine.RunAsync("ip6tables-save", "-t", "nat")).EnsureSuccess().Stdout);

        await File.WriteAllTextAsync(Path.Combine(machine.Root, "etc/relay/mesh.yaml"), Config + "\nlimits: { idle_timeout: 30m }\n");
        (await machine.RunAsync("systemctl", "reload", "relay")).EnsureSuccess();
        // systemd 252 ends `systemctl reload` when kill -HUP returns, before the daemon's RELOADING=1 /
        // READY=1: the outcome shows in StatusText a moment later (docs/operations.md).
        var second = Revision().Match(await StatusAsync(machine, s => Revision().Match(s) is { Success: true } m && m.Value != first.Value));
        Assert.True(second.Success && second.Value != first.Value, $"revision after reload: {second.Value}\n{await JournalAsync(machine)}");

        await File.WriteAllTextAsync(Path.Combine(machine.Root, "etc/relay/mesh.yaml"), Config + "\nlimits: { idle_timeout: soon }\n");
        (await machine.RunAsync("systemctl", "reload", "relay")).EnsureSuccess();
        var status = await StatusAsync(machine, s => s.Contains("last reload rejected", StringComparison.Ordinal));
        Assert.Contains($"running revision {second.Groups[1].Value}; last reload rejected", status);
        Assert.Equal("active", await machine.PropertyAsync("relay", "ActiveState"));

        // Stopping with the bad edit still on disk: the daemon drains and exits 0, but ExecStopPost's
        // `relay iptables remove` refuses the invalid file, so the rules stay (fail-closed,
        // docs/capture.md) and the unit says why.
        (await machine.RunAsync("systemctl", "stop", "relay")).EnsureSuccess();
        Assert.Equal("exit-code", await machine.PropertyAsync("relay", "Result"));
        Assert.Contains("RELAY_INBOUND", (await machine.RunAsync("iptables-save", "-t", "nat")).EnsureSuccess().Stdout);
        Assert.Contains("limits.idle_timeout: 'soon' is not a duration", await JournalAsync(machine));

        // Fixed, it starts again; a clean stop then removes every rule in both families.
        await File.WriteAllTextAsync(Path.Combine(machine.Root, "etc/relay/mesh.yaml"), Config);
        (await machine.RunAsync("systemctl", "start", "relay")).EnsureSuccess();
        (await machine.RunAsync("systemctl", "stop", "relay")).EnsureSuccess();
        var stopped = (await machine.PropertyAsync("relay", "ActiveState"), await machine.PropertyAsync("relay", "Result"));
        Assert.True(stopped == ("inactive", "success"), $"{stopped}{await JournalAsync(machine)}");
        Assert.DoesNotContain("RELAY_", (await machine.RunAsync("iptables-save")).EnsureSuccess().Stdout);
        Assert.DoesNotContain("RELAY_", (await machine.RunAsync("ip6tables-save")).EnsureSuccess().Stdout);
    }

    /// <summary>Polls the unit's StatusText until it satisfies <paramref name="done"/> (10 s: a reload takes ~0.2 s).</summary>
    private static async Task<string> StatusAsync(NspawnMachine machine, Func<string, bool> done)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        var status = await machine.PropertyAsync("relay", "StatusText");
        while (!done(status) && DateTime.UtcNow < until)
        {
            await Task.Delay(100);
            status = await machine.PropertyAsync("relay", "StatusText");
        }
        return status;
    }

    private static async Task<string> JournalAsync(NspawnMachine machine) =>
        "\njournal:\n" + (await machine.RunAsync("journalctl", "-u", "relay", "--no-pager", "-n", "40")).Stdout;

    [GeneratedRegex("^running revision ([0-9a-f]+)")]
    private static partial Regex Revision();
}
