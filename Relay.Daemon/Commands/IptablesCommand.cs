using System.CommandLine;
using Relay.Core.Config;
using Relay.Core.Iptables;

namespace Relay.Daemon.Commands;

/// <summary>
/// <c>relay iptables apply|remove|print --config FILE</c>: the capture rules generated from mesh.yaml.
/// systemd runs apply before start and remove after a clean stop (systemd/relay.service).
/// Exit codes: 0 done, 1 iptables failed, 2 the config (or a user it names) is invalid.
/// </summary>
internal static class IptablesCommand
{
    public const int ExitOk = 0;
    public const int ExitIptablesFailed = 1;
    public const int ExitConfigInvalid = 2;

    public static Command Create(Func<string, (ConfigSnapshot? Snapshot, IReadOnlyList<string> Errors)> load) =>
        Create(load, new CaptureInstaller(IptablesRunner.Host));

    internal static Command Create(
        Func<string, (ConfigSnapshot? Snapshot, IReadOnlyList<string> Errors)> load, CaptureInstaller installer)
    {
        var command = new Command("iptables", "Generate, apply or remove the traffic capture rules for a config.");
        command.Subcommands.Add(Apply(load, installer));
        command.Subcommands.Add(Remove(load, installer));
        command.Subcommands.Add(Print(load));
        return command;
    }

    private static Option<FileInfo> ConfigOption() =>
        new("--config") { Description = "Path to mesh.yaml.", Required = true };

    private static Command Apply(Func<string, (ConfigSnapshot?, IReadOnlyList<string>)> load, CaptureInstaller installer)
    {
        var config = ConfigOption();
        var command = new Command("apply", "Install or atomically update the capture rules (idempotent).") { config };
        command.SetAction(pr => WithRuleset(pr, config, load, ruleset => Report(pr, installer.Apply(ruleset), "applied")));
        return command;
    }

    private static Command Remove(Func<string, (ConfigSnapshot?, IReadOnlyList<string>)> load, CaptureInstaller installer)
    {
        var config = ConfigOption();
        var force = new Option<bool>("--force")
        {
            Description = "Remove IPv4 and IPv6 rules even if the config does not load (used by uninstall.sh).",
        };
        var command = new Command("remove", "Remove every Relay rule and chain (no-op when none are installed).") { config, force };
        command.SetAction(pr =>
        {
            if (pr.GetValue(force))
            {
                return Report(pr, installer.Remove(ipv6: true), "removed");
            }

            // Without --force a broken config leaves the rules in place: fail-closed, never fail-open.
            var snapshot = LoadOrReport(pr, config, load);
            return snapshot is null ? ExitConfigInvalid : Report(pr, installer.Remove(ipv6: true), "removed");
        });
        return command;
    }

    private static Command Print(Func<string, (ConfigSnapshot?, IReadOnlyList<string>)> load)
    {
        var config = ConfigOption();
        var command = new Command("print", "Print the rules apply would install, without touching iptables.") { config };
        command.SetAction(pr => WithRuleset(pr, config, load, ruleset =>
        {
            pr.InvocationConfiguration.Output.Write(CaptureRules.Print(ruleset));
            return ExitOk;
        }));
        return command;
    }

    private static int WithRuleset(
        ParseResult pr,
        Option<FileInfo> config,
        Func<string, (ConfigSnapshot?, IReadOnlyList<string>)> load,
        Func<CaptureRuleset, int> use)
    {
        var snapshot = LoadOrReport(pr, config, load);
        if (snapshot is null)
        {
            return ExitConfigInvalid;
        }

        var generated = CaptureRules.Generate(snapshot.Capture, [.. snapshot.Inbound.Select(i => i.Port)]);
        if (generated.Ruleset is null)
        {
            WriteErrors(pr, generated.Errors);
            return ExitConfigInvalid;
        }

        return use(generated.Ruleset);
    }

    private static ConfigSnapshot? LoadOrReport(
        ParseResult pr, Option<FileInfo> config, Func<string, (ConfigSnapshot?, IReadOnlyList<string>)> load)
    {
        var (snapshot, errors) = load(pr.GetValue(config)!.FullName);
        if (snapshot is null || errors.Count > 0)
        {
            WriteErrors(pr, errors.Count > 0 ? errors : ["config did not load"]);
            return null;
        }

        return snapshot;
    }

    private static int Report(ParseResult pr, IptablesResult result, string verb)
    {
        if (!result.Succeeded)
        {
            WriteErrors(pr, result.Errors);
            return ExitIptablesFailed;
        }

        pr.InvocationConfiguration.Output.WriteLine($"relay: capture rules {verb}");
        return ExitOk;
    }

    private static void WriteErrors(ParseResult pr, IEnumerable<string> errors)
    {
        foreach (var error in errors)
        {
            pr.InvocationConfiguration.Error.WriteLine($"relay iptables: {error}");
        }
    }
}
