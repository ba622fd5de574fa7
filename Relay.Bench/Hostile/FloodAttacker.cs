using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Relay.Bench.Hostile;

/// <summary>
/// The flood in its own process (<c>flood-attacker PORT HELLOS RECONNECTS</c>), so its thousands of
/// sockets and continuations never share a thread pool with the client measuring the mesh callers'
/// latency: in one process the client's own scheduling delay showed up as Relay's p99. Prints its
/// counters once a second; the scenario keeps the last line and kills it. Bounded: it exits by
/// itself after <see cref="Lifetime"/>.
/// </summary>
internal static class FloodAttacker
{
    public const string Command = "flood-attacker";

    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);

    private static readonly IPAddress Source = IPAddress.Parse("127.0.0.2");

    public static async Task<int> RunAsync(string[] args)
    {
        var (port, hellos, reconnects) = (int.Parse(args[0], CultureInfo.InvariantCulture), int.Parse(args[1], CultureInfo.InvariantCulture), int.Parse(args[2], CultureInfo.InvariantCulture));
        using var lifetime = new CancellationTokenSource(Lifetime);
        var hello = await ClientHelloBytes.CaptureAsync(lifetime.Token);
        await using var flood = new StalledHelloFlood(Source, port, hello, hellos, reconnects);
        flood.Start();
        while (!lifetime.IsCancellationRequested)
        {
            Console.WriteLine(Line(flood));
            await Task.Delay(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        }
        return 0;
    }

    private static string Line(StalledHelloFlood flood) => string.Create(CultureInfo.InvariantCulture,
        $"{flood.Opened:N0} hellos sent, {flood.Held:N0} held now, {flood.ClosedByRelay:N0} closed and {flood.Reset:N0} reset by B, {flood.Refused:N0} connects failed");

    /// <summary>
    /// Starts this program again as the attacker: under nice(1) when <paramref name="nice"/> is above
    /// 0, and under taskset(1) on <paramref name="cpu"/> alone when one is given.
    /// </summary>
    public static Process Start(int port, int hellos, int reconnects, int nice, int? cpu, Action<string> onLine)
    {
        var command = new List<string>();
        if (cpu is { } only)
        {
            command.AddRange(["taskset", "-c", only.ToString(CultureInfo.InvariantCulture)]);
        }
        if (nice > 0)
        {
            command.AddRange(["nice", "-n", nice.ToString(CultureInfo.InvariantCulture)]);
        }
        command.AddRange([Environment.ProcessPath!, typeof(FloodAttacker).Assembly.Location, Command, port.ToString(CultureInfo.InvariantCulture), hellos.ToString(CultureInfo.InvariantCulture), reconnects.ToString(CultureInfo.InvariantCulture)]);
        var info = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in command.Skip(1))
        {
            info.ArgumentList.Add(arg);
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start the flood attacker");
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                onLine(line);
            }
        };
        process.BeginOutputReadLine();
        return process;
    }
}
