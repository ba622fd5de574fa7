using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Relay.Bench.Hostile;

/// <summary>
/// Requests that each open a new connection (connect, GET, read to EOF), so every one pays what a
/// caller arriving during a flood pays: Relay's accept and admission, and through the pair a new
/// mTLS handshake to the flooded Relay. Returns each success's latency and the failure count.
/// </summary>
internal static class FreshRequests
{
    private static readonly byte[] Request = Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    private static readonly byte[] Ok = Encoding.ASCII.GetBytes("HTTP/1.1 200");

    // A healthy fresh request through the pair takes a few ms; 5 s counts only a real lock-out as failed.
    private static readonly TimeSpan PerRequest = TimeSpan.FromSeconds(5);

    public static async Task<(List<double> LatenciesMs, int Failed)> RunAsync(int port, int count, int concurrency, CancellationToken cancellationToken)
    {
        var latencies = new List<double>(count);
        var failed = 0;
        var next = -1;
        async Task Worker()
        {
            while (Interlocked.Increment(ref next) < count)
            {
                var (ok, ms) = await OneAsync(port, cancellationToken);
                lock (latencies)
                {
                    if (ok)
                    {
                        latencies.Add(ms);
                    }
                    else
                    {
                        failed++;
                    }
                }
            }
        }
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Worker()));
        latencies.Sort();
        return (latencies, failed);
    }

    private static async Task<(bool Ok, double Ms)> OneAsync(int port, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(PerRequest);
        var started = Stopwatch.GetTimestamp();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), timeout.Token);
            await socket.SendAsync(Request, SocketFlags.None, timeout.Token);
            var head = new byte[Ok.Length];
            var got = 0;
            var buffer = new byte[4096];
            int n;
            while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
            {
                var take = Math.Min(n, head.Length - got);
                buffer.AsSpan(0, take).CopyTo(head.AsSpan(got));
                got += take;
            }
            return (got == head.Length && head.AsSpan().SequenceEqual(Ok), Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return (false, 0);
        }
    }
}
