using System.Globalization;
using Relay.Core.Config;
using Relay.Core.Lifecycle;

namespace Relay.Daemon.Commands;

/// <summary>The human-readable form of <see cref="ConfigStatus"/>: one "label: value" line each, errors indented below.</summary>
internal static class ConfigStatusText
{
    public static void Write(TextWriter output, ConfigStatus status)
    {
        var state = status.State;
        output.WriteLine(state is null
            ? "running:     unknown (no state file: is relay running with this --state-dir?)"
            : Invariant($"running:     revision {state.RunningRevision}, applied {state.AppliedAt:yyyy-MM-ddTHH:mm:ssZ} (pid {state.Pid})"));
        output.WriteLine(Invariant($"file:        {status.ConfigPath}: {FileLine(status)}"));
        foreach (var error in status.FileErrors)
        {
            output.WriteLine($"  {error}");
        }
        // Runtime overrides: what this host runs differently from the file until the file changes.
        foreach (var cut in state?.Overrides ?? [])
        {
            output.WriteLine(Invariant($"override:    services[{cut.Service}].routes[{cut.Route}].backends[{cut.Backend}].weight {cut.FileWeight} -> {cut.Weight} by the canary guard at {cut.At:yyyy-MM-ddTHH:mm:ssZ} ({cut.SuccessRate:P2} non-5xx over {cut.Requests} requests, below {cut.MinSuccessRate:P2}); cleared by the next change of the file"));
        }
        if (state?.LastReload is { } last)
        {
            output.WriteLine(Invariant($"last reload: {last.At:yyyy-MM-ddTHH:mm:ssZ} ({last.Trigger}) {last.Outcome.ToString().ToLowerInvariant()}, revision {last.Revision ?? "-"}, {last.Errors.Count} errors"));
            foreach (var error in last.Errors)
            {
                output.WriteLine($"  {error}");
            }
        }
    }

    private static string FileLine(ConfigStatus status) => status.Drift switch
    {
        DriftState.InSync => $"revision {status.FileRevision}, in sync",
        DriftState.Drift => $"revision {status.FileRevision}, DRIFT: differs from the running revision",
        DriftState.Invalid => $"INVALID ({status.FileErrors.Count} errors): the running revision stays in force",
        _ => status.FileErrors.Count > 0 ? $"INVALID ({status.FileErrors.Count} errors)" : $"revision {status.FileRevision}",
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
