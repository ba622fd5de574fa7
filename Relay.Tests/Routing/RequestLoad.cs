using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;

namespace Relay.Tests.Routing;

/// <summary>
/// HTTP load for the routing tests, bounded in count and time: a fixed number of workers, each
/// sending GET requests (open loop at a fixed interval, or back to back) until stopped, the count
/// is reached or the time is up. Every answer is counted by the upstream port it came from
/// (UpstreamApp's /port); anything but a 200 is a failure, kept for the assertion message.
/// </summary>
internal sealed class RequestLoad : IAsyncDisposable
{
    private readonly HttpClient _client;
    private readonly CancellationTokenSource _stop;
    private readonly Task[] _workers;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentDictionary<string, int> _byBackend = new();
    private readonly ConcurrentQueue<string> _failures = new();
    private int _sent;
    private int _failed;

    private RequestLoad(Uri url, int workers, TimeSpan interval, int maxRequests, TimeSpan maxTime, IPAddress? localAddress, IReadOnlyDictionary<string, string>? headers)
    {
        _client = Client(localAddress);
        _stop = new CancellationTokenSource(maxTime);
        _workers = [.. Enumerable.Range(0, workers).Select(_ => Task.Run(() => WorkAsync(url, interval, maxRequests, headers)))];
    }

    public int Sent => Volatile.Read(ref _sent);

    public int Failed => Volatile.Read(ref _failed);

    public IReadOnlyDictionary<string, int> ByBackend => _byBackend;

    public int CountFor(int port) => _byBackend.GetValueOrDefault(port.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public double RequestsPerSecond => Sent / _clock.Elapsed.TotalSeconds;

    public string FailureSample => string.Join(" | ", _failures.Take(5));

    /// <summary>Open loop: each of <paramref name="workers"/> sends one request every <paramref name="interval"/>.</summary>
    public static RequestLoad Paced(Uri url, int workers, TimeSpan interval, TimeSpan maxTime) =>
        new(url, workers, interval, int.MaxValue, maxTime, null, null);

    /// <summary>Back to back until <paramref name="count"/> requests are sent (or the time is up).</summary>
    public static RequestLoad Count(Uri url, int workers, int count, TimeSpan maxTime, IPAddress? localAddress = null, IReadOnlyDictionary<string, string>? headers = null) =>
        new(url, workers, TimeSpan.Zero, count, maxTime, localAddress, headers);

    public async Task CompleteAsync() => await Task.WhenAll(_workers);

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await CompleteAsync();
    }

    private async Task WorkAsync(Uri url, TimeSpan interval, int maxRequests, IReadOnlyDictionary<string, string>? headers)
    {
        var next = Stopwatch.GetTimestamp();
        while (!_stop.IsCancellationRequested)
        {
            if (Interlocked.Increment(ref _sent) > maxRequests)
            {
                Interlocked.Decrement(ref _sent);
                return;
            }
            await SendOneAsync(url, headers);
            if (interval > TimeSpan.Zero)
            {
                next += (long)(interval.TotalSeconds * Stopwatch.Frequency);
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), next);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait);
                }
            }
        }
    }

    private async Task SendOneAsync(Uri url, IReadOnlyDictionary<string, string>? headers)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            {
                request.Headers.Add(name, value);
            }
            // Not the stop token: a request already sent finishes, so stopping never counts as a failure.
            using var response = await _client.SendAsync(request, CancellationToken.None);
            var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                _byBackend.AddOrUpdate(body, 1, (_, n) => n + 1);
                return;
            }
            Fail($"{(int)response.StatusCode} {string.Join(",", response.Headers.TryGetValues("x-relay-error", out var e) ? e : [])}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            Fail(ex.Message);
        }
    }

    private void Fail(string what)
    {
        Interlocked.Increment(ref _failed);
        if (_failures.Count < 20)
        {
            _failures.Enqueue(what);
        }
    }

    /// <summary>Keep-alive connections (at most 16); optionally from a chosen loopback source address.</summary>
    private static HttpClient Client(IPAddress? localAddress)
    {
        var handler = new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 16 };
        if (localAddress is not null)
        {
            handler.ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                socket.Bind(new IPEndPoint(localAddress, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            };
        }
        // Generous: a loaded 2-core machine; the tests assert no failures, not latency.
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _client.Dispose();
        _stop.Dispose();
    }
}
