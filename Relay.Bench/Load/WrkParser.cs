using System.Globalization;
using System.Text.RegularExpressions;

namespace Relay.Bench.Load;

/// <summary>Reads wrk 4.x's text report. Units are wrk's: 1024-based sizes, us/ms/s latencies.</summary>
internal static partial class WrkParser
{
    public static WrkResult? Parse(string output)
    {
        var rps = RequestsPerSec().Match(output);
        var transfer = TransferPerSec().Match(output);
        var total = TotalRequests().Match(output);
        if (!rps.Success || !transfer.Success || !total.Success)
        {
            return null;
        }
        var socket = SocketErrors().Match(output);
        var socketErrors = socket.Success ? socket.Groups.Cast<Group>().Skip(1).Sum(g => long.Parse(g.Value, CultureInfo.InvariantCulture)) : 0;
        var non2xx = Non2xx().Match(output);
        return new WrkResult(
            Number(rps.Groups[1].Value),
            Size(transfer.Groups[1].Value, transfer.Groups[2].Value),
            long.Parse(total.Groups[1].Value, CultureInfo.InvariantCulture),
            Percentile(output, "50%"),
            Percentile(output, "99%"),
            socketErrors,
            non2xx.Success ? long.Parse(non2xx.Groups[1].Value, CultureInfo.InvariantCulture) : 0);
    }

    private static double? Percentile(string output, string label)
    {
        var match = Regex.Match(output, $@"^\s+{Regex.Escape(label)}\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
        if (!match.Success)
        {
            return null;
        }
        var value = Number(match.Groups[1].Value);
        return match.Groups[2].Value switch
        {
            "us" => value / 1000,
            "ms" => value,
            _ => value * 1000,
        };
    }

    private static double Size(string value, string unit) => Number(value) * unit switch
    {
        "KB" => 1024d,
        "MB" => 1024d * 1024,
        "GB" => 1024d * 1024 * 1024,
        "TB" => 1024d * 1024 * 1024 * 1024,
        _ => 1d,
    };

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^Requests/sec:\s+([\d.]+)", RegexOptions.Multiline)]
    private static partial Regex RequestsPerSec();

    [GeneratedRegex(@"^Transfer/sec:\s+([\d.]+)([KMGT]?B)", RegexOptions.Multiline)]
    private static partial Regex TransferPerSec();

    [GeneratedRegex(@"(\d+) requests in ")]
    private static partial Regex TotalRequests();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrors();

    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")]
    private static partial Regex Non2xx();
}
