using System.CommandLine;
using Relay.Core.Config.Reading;
using Relay.Core.Net;
using Relay.Core.Observability;

namespace Relay.Daemon.Commands;

/// <summary>
/// <c>relay stat</c> and <c>relay top</c> (after <c>linkerd viz stat</c> / <c>top</c>): terminal
/// tables from a running Relay's admin /stats. stat: per service and inbound port, success, rate,
/// p50/p99 and open connections over a window. top: the busiest paths, refreshed every interval.
/// Exit codes: 0 shown, 1 the admin endpoint could not be read, 2 bad arguments.
/// </summary>
internal static class StatCommand
{
    /// <summary>linkerd viz stat's shortest useful window is seconds; 1 s keeps the command quick.</summary>
    private static readonly TimeSpan DefaultWindow = TimeSpan.FromSeconds(1);

    /// <summary>linkerd viz top lists ~20 rows by default.</summary>
    private const int TopRows = 20;

    public static Command CreateStat()
    {
        var (admin, window) = (AdminOption(), WindowOption("--window", "How long to measure (rates, success and latency are over it)"));
        var command = new Command("stat", "Per service and inbound port: success rate, requests/s, p50/p99 latency and open connections, from a running Relay.") { admin, window };
        command.SetAction(async (pr, cancellationToken) =>
        {
            if (ParseAdmin(pr.GetValue(admin)!, pr.InvocationConfiguration.Error) is not { } endpoint)
            {
                return ExitCodes.InvalidInput;
            }
            using var client = new StatsClient(endpoint);
            var (before, after) = await TwoSnapshotsAsync(client, pr.GetValue(window), pr.InvocationConfiguration.Error, cancellationToken).ConfigureAwait(false);
            if (before is null || after is null)
            {
                return ExitCodes.Failure;
            }
            await pr.InvocationConfiguration.Output.WriteAsync(StatTables.Stat(before, after)).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command CreateTop()
    {
        var (admin, interval) = (AdminOption(), WindowOption("--interval", "Refresh interval (each table covers one)"));
        var iterations = new Option<int>("--iterations") { Description = "Tables to print, then exit (default: until interrupted)", DefaultValueFactory = _ => 0 };
        var command = new Command("top", "Live: the busiest request paths through a running Relay, with rate and success.") { admin, interval, iterations };
        command.SetAction(async (pr, cancellationToken) =>
        {
            if (ParseAdmin(pr.GetValue(admin)!, pr.InvocationConfiguration.Error) is not { } endpoint)
            {
                return ExitCodes.InvalidInput;
            }
            using var client = new StatsClient(endpoint);
            var output = pr.InvocationConfiguration.Output;
            var (previous, error) = await client.GetAsync(cancellationToken).ConfigureAwait(false);
            for (var shown = 0; previous is not null && (pr.GetValue(iterations) == 0 || shown < pr.GetValue(iterations)); shown++)
            {
                try
                {
                    await Task.Delay(pr.GetValue(interval), cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return ExitCodes.Ok;
                }
                (var next, error) = await client.GetAsync(cancellationToken).ConfigureAwait(false);
                if (next is null)
                {
                    break;
                }
                // On a terminal each table replaces the last (ANSI home + clear); piped, they follow each other.
                var clear = !Console.IsOutputRedirected && ReferenceEquals(output, Console.Out) ? "\u001b[H\u001b[2J" : "";
                await output.WriteAsync(clear + StatTables.Top(previous, next, TopRows) + (clear.Length == 0 ? "\n" : "")).ConfigureAwait(false);
                previous = next;
            }
            if (error is not null)
            {
                await pr.InvocationConfiguration.Error.WriteLineAsync(error).ConfigureAwait(false);
                return ExitCodes.Failure;
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<(TrafficView?, TrafficView?)> TwoSnapshotsAsync(StatsClient client, TimeSpan window, TextWriter error, CancellationToken cancellationToken)
    {
        var (before, first) = await client.GetAsync(cancellationToken).ConfigureAwait(false);
        if (before is null)
        {
            await error.WriteLineAsync(first).ConfigureAwait(false);
            return (null, null);
        }
        await Task.Delay(window, cancellationToken).ConfigureAwait(false);
        var (after, second) = await client.GetAsync(cancellationToken).ConfigureAwait(false);
        if (after is null)
        {
            await error.WriteLineAsync(second).ConfigureAwait(false);
        }
        return (before, after);
    }

    private static Option<string> AdminOption() =>
        new("--admin") { Description = "The Relay's admin address (mesh.yaml admin.address)", DefaultValueFactory = _ => "127.0.0.1:15000" };

    private static Option<TimeSpan> WindowOption(string name, string description) => new(name)
    {
        Description = description + " (500ms, 1s, 5s...)",
        DefaultValueFactory = _ => DefaultWindow,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (Relay.Core.Config.DurationParser.TryParse(text, out var value, out var problem))
            {
                return value;
            }
            result.AddError(problem ?? $"'{text}' is not a duration");
            return default;
        },
    };

    private static NetEndpoint? ParseAdmin(string text, TextWriter error)
    {
        if (AddressParsers.Endpoint(text, out var endpoint, out var problem))
        {
            return endpoint;
        }
        error.WriteLine($"--admin: {problem}");
        return null;
    }
}
