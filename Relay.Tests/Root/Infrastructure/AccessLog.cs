using System.Net;

namespace Relay.Tests.Root.Infrastructure;

/// <summary>Assertions over a Relay's access log, with bounded waits for lines still being written.</summary>
internal static class AccessLog
{
    /// <summary>An access line is written when a connection closes; 10 s covers a loaded 2-core VM.</summary>
    public static readonly TimeSpan LineTimeout = TimeSpan.FromSeconds(10);

    /// <summary>After the expected count arrives, how long we keep watching for unexpected extra lines.</summary>
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromMilliseconds(750);

    /// <summary>Waits for exactly <paramref name="count"/> access lines: fewer or more fails with the full log.</summary>
    public static async Task<IReadOnlyList<AccessLogEntry>> ExactlyAsync(RelayProcess relay, int count)
    {
        await relay.WaitForAccessLinesAsync(count, LineTimeout);
        await Task.Delay(QuietPeriod);
        var lines = relay.AccessLines;
        Assert.True(lines.Count == count, $"expected {count} access line(s) from {relay}");
        return lines;
    }

    /// <summary>"198.18.0.2:8080" or "[fd00::2]:8080", the way Relay writes endpoints.</summary>
    public static string Format(IPAddress address, int port) => new IPEndPoint(address, port).ToString();

    public static IPAddress HostOf(string endpoint) => IPEndPoint.Parse(endpoint).Address;
}
