using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Relay.Tests.Root.Infrastructure;

/// <summary>
/// Minimal HTTP/1.1 GET against a host's admin listener (127.0.0.1:15000 inside its namespace). A raw socket
/// created in the namespace is used because HttpClient's sockets would be opened in the root namespace.
/// </summary>
internal static class AdminClient
{
    public static readonly IPEndPoint AdminEndpoint = new(IPAddress.Loopback, 15000);

    /// <summary>The response status code, or null when nothing answered within the timeout.</summary>
    public static async Task<int?> GetStatusAsync(NetnsHost host, string path, TimeSpan timeout)
    {
        try
        {
            using var cts = new CancellationTokenSource(timeout);
            using var socket = host.CreateSocket(AddressFamily.InterNetwork);
            await socket.ConnectAsync(AdminEndpoint, cts.Token);
            var request = $"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
            await socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None, cts.Token);
            var buffer = new byte[512];
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            return ParseStatus(Encoding.ASCII.GetString(buffer, 0, read));
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>GET with the whole response read (Connection: close): status and body, or null when nothing answered.</summary>
    public static async Task<(int Status, string Body)?> GetAsync(NetnsHost host, string path, TimeSpan timeout)
    {
        try
        {
            using var cts = new CancellationTokenSource(timeout);
            using var socket = host.CreateSocket(AddressFamily.InterNetwork);
            await socket.ConnectAsync(AdminEndpoint, cts.Token);
            var request = $"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
            await socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None, cts.Token);
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var response = await reader.ReadToEndAsync(cts.Token);
            var split = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            return ParseStatus(response) is { } status && split >= 0 ? (status, response[(split + 4)..]) : null;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or IOException)
        {
            return null;
        }
    }

    private static int? ParseStatus(string head)
    {
        // "HTTP/1.1 200 OK": the code is the second space-separated token.
        var parts = head.Split(' ', 3);
        return parts.Length >= 2 && parts[0].StartsWith("HTTP/", StringComparison.Ordinal) &&
            int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var code) ? code : null;
    }
}
