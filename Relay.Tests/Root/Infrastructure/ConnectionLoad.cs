using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Relay.Tests.Root.Infrastructure;

/// <summary>
/// Opens a fresh connection every <see cref="Interval"/> from one host to an echo endpoint, sends a unique
/// payload and checks the echo, until stopped. Every connection is a new handshake through both Relays, so a
/// credential swap that breaks new handshakes shows up as a failure here. Bounded in count and time.
/// </summary>
internal sealed class ConnectionLoad : IAsyncDisposable
{
    /// <summary>~10 connections/s: many handshakes per rotation step without loading a 2-core VM.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    /// <summary>Hard bounds whatever the test does: 3000 connections or 3 minutes.</summary>
    private const int MaxConnections = 3000;

    private static readonly TimeSpan MaxDuration = TimeSpan.FromMinutes(3);

    private readonly CancellationTokenSource stop = new(MaxDuration);
    private readonly ConcurrentQueue<string> failures = new();
    private readonly Task loop;
    private int succeeded;

    private ConnectionLoad(NetnsHost from, IPEndPoint to) => loop = Task.Run(() => RunAsync(from, to));

    public int Succeeded => Volatile.Read(ref succeeded);

    public IReadOnlyList<string> Failures => failures.ToArray();

    public static ConnectionLoad Start(NetnsHost from, IPEndPoint to) => new(from, to);

    /// <summary>Waits (bounded) until <paramref name="count"/> more connections have succeeded than now.</summary>
    public async Task<bool> WaitForMoreSuccessesAsync(int count, TimeSpan timeout)
    {
        var target = Succeeded + count;
        var deadline = DateTime.UtcNow + timeout;
        while (Succeeded < target && DateTime.UtcNow < deadline && !loop.IsCompleted)
        {
            await Task.Delay(Interval);
        }
        return Succeeded >= target;
    }

    public async Task StopAsync()
    {
        await stop.CancelAsync();
        await loop;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        stop.Dispose();
    }

    public override string ToString() =>
        $"{Succeeded} connection(s) succeeded, {failures.Count} failed{string.Concat(Failures.Take(5).Select(f => "\n  " + f))}";

    private async Task RunAsync(NetnsHost from, IPEndPoint to)
    {
        for (var i = 0; i < MaxConnections && !stop.IsCancellationRequested; i++)
        {
            var payload = Encoding.ASCII.GetBytes($"load-{i}-{Guid.NewGuid():N}");
            try
            {
                var echo = await TcpExchange.EchoAsync(from, to, payload);
                if (echo.AsSpan().SequenceEqual(payload))
                {
                    Interlocked.Increment(ref succeeded);
                }
                else
                {
                    failures.Enqueue($"#{i} at {DateTime.UtcNow:HH:mm:ss.fff}: echoed {echo.Length} of {payload.Length} bytes");
                }
            }
            catch (Exception ex) when (ex is System.Net.Sockets.SocketException or OperationCanceledException)
            {
                failures.Enqueue($"#{i} at {DateTime.UtcNow:HH:mm:ss.fff}: {ex.GetType().Name}: {ex.Message}");
            }
            try
            {
                await Task.Delay(Interval, stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
