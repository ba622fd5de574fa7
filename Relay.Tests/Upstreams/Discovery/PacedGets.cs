using System.Collections.Concurrent;
using System.Net.Http;

namespace Relay.Tests.Upstreams.Discovery;

/// <summary>
/// One keep-alive client sending GET / every 20 ms until stopped, bounded at 3000 requests and
/// 90 s; anything but a 200 (or an exception) is a failure, kept for the assertion message.
/// </summary>
internal sealed class PacedGets : IAsyncDisposable
{
    private const int MaxRequests = 3000;
    private static readonly TimeSpan MaxTime = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    private readonly HttpClient _client;
    private readonly CancellationTokenSource _stop = new(MaxTime);
    private readonly ConcurrentQueue<string> _failures = new();
    private readonly Task _running;
    private int _sent;

    private PacedGets(int port)
    {
        _client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        _running = Task.Run(RunAsync);
    }

    public static PacedGets Start(int port) => new(port);

    public async Task<(int Sent, IReadOnlyList<string> Failures)> StopAsync()
    {
        await _stop.CancelAsync();
        await _running;
        return (Volatile.Read(ref _sent), [.. _failures]);
    }

    private async Task RunAsync()
    {
        for (var i = 0; i < MaxRequests && !_stop.IsCancellationRequested; i++)
        {
            Interlocked.Increment(ref _sent);
            try
            {
                using var response = await _client.GetAsync("/", CancellationToken.None);
                if ((int)response.StatusCode != 200)
                {
                    var reason = response.Headers.TryGetValues("x-relay-error", out var values) ? values.First() : "-";
                    _failures.Enqueue($"request {i}: {(int)response.StatusCode} {reason}");
                }
            }
            catch (HttpRequestException ex)
            {
                _failures.Enqueue($"request {i}: {ex.Message}");
            }
            try
            {
                await Task.Delay(Interval, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _client.Dispose();
        _stop.Dispose();
    }
}
