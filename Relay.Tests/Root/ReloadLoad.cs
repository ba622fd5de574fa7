using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Relay.Tests.Root.Infrastructure;

namespace Relay.Tests.Root;

/// <summary>
/// The short-connection load of the reload-under-load test: <see cref="Workers"/> loops, each paced to
/// open one connection per <see cref="Interval"/>, each connection an echo of a small unique payload that
/// must come back exactly. Every failure is kept with its reason.
/// </summary>
internal sealed class ReloadLoad(NetnsHost from, IPEndPoint target)
{
    /// <summary>10 workers × one connection per 40 ms = 250/s, above the 200/s the issue asks for.</summary>
    public const int Workers = 10;

    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(40);

    /// <summary>Generous for a loaded 2-core VM; a reload stalling a connection this long is a failure.</summary>
    private static readonly TimeSpan ConnectionTimeout = TimeSpan.FromSeconds(5);

    private readonly ConcurrentQueue<string> _failures = new();
    private long _attempted;

    public long Attempted => Interlocked.Read(ref _attempted);

    public IReadOnlyList<string> Failures => [.. _failures];

    public Task RunAsync(TimeSpan duration) =>
        Task.WhenAll(Enumerable.Range(0, Workers).Select(w => Task.Run(() => WorkerAsync(w, duration))));

    private async Task WorkerAsync(int worker, TimeSpan duration)
    {
        var clock = Stopwatch.StartNew();
        for (var n = 0L; clock.Elapsed < duration; n++)
        {
            var due = Interval * n;
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }
            Interlocked.Increment(ref _attempted);
            var failure = await ExchangeAsync(BitConverter.GetBytes(worker * 1_000_000L + n));
            if (failure is not null)
            {
                _failures.Enqueue($"{clock.Elapsed.TotalSeconds:F2}s worker {worker} #{n}: {failure}");
            }
        }
    }

    private async Task<string?> ExchangeAsync(byte[] payload)
    {
        try
        {
            using var cts = new CancellationTokenSource(ConnectionTimeout);
            using var socket = await from.ConnectAsync(target, ConnectionTimeout);
            await socket.SendAsync(payload, SocketFlags.None, cts.Token);
            socket.Shutdown(SocketShutdown.Send);
            var echoed = await TcpExchange.ReadToEndAsync(socket, payload.Length + 1, cts.Token);
            return echoed.AsSpan().SequenceEqual(payload) ? null : $"echo mismatch ({echoed.Length} bytes back)";
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or IOException)
        {
            return ex is SocketException se ? $"socket error {se.SocketErrorCode}" : ex.GetType().Name;
        }
    }
}
