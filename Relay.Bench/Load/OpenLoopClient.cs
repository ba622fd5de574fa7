using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Relay.Bench.Load;

/// <summary>
/// A fixed-rate (open-loop) HTTP client, since wrk2 is not packaged in Debian. One thread sends
/// request i at start + i/rate on connection i mod N, never waiting for earlier answers (a slow
/// response makes later ones queue behind it, as real traffic would); each response's latency is
/// measured from its scheduled send time, so stalls are not hidden (no coordinated omission).
/// </summary>
internal sealed class OpenLoopClient(int port, int rate, int connections, TimeSpan duration)
{
    // How long answers may still arrive after the last scheduled send before they count as failed.
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(5);

    // PR_SET_TIMERSLACK: default 50 µs slack would make every wake-up late by up to that much.
    private const int PrSetTimerslack = 29;

    private static readonly byte[] Request = Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

    public async Task<LatencyResult> RunAsync(CancellationToken cancellationToken)
    {
        var sockets = new List<Socket>();
        try
        {
            for (var i = 0; i < connections; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                sockets.Add(socket);
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
            }
            var lanes = sockets.Select(s => new Lane(s)).ToList();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var receivers = lanes.Select(l => l.ReceiveAsync(stop.Token)).ToList();
            var sendLate = await Task.Factory.StartNew(() => SendAll(lanes), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            await WaitAnsweredAsync(lanes, cancellationToken);
            await stop.CancelAsync();
            await Task.WhenAll(receivers);
            return Summarize(lanes, sendLate);
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }
    }

    /// <summary>The sender: sleeps precisely until each slot, records the slot, sends. Returns how late each send was (ms).</summary>
    private List<double> SendAll(List<Lane> lanes)
    {
        _ = prctl(PrSetTimerslack, 1, 0, 0, 0);
        var total = (long)(duration.TotalSeconds * rate);
        var late = new List<double>((int)total);
        var start = Stopwatch.GetTimestamp();
        for (long i = 0; i < total; i++)
        {
            var slot = start + (long)(i * (double)Stopwatch.Frequency / rate);
            WaitUntil(slot);
            var lane = lanes[(int)(i % lanes.Count)];
            lane.Scheduled.Enqueue(slot);
            late.Add(Stopwatch.GetElapsedTime(slot).TotalMilliseconds);
            if (!lane.TrySend(Request))
            {
                break;
            }
        }
        return late;
    }

    private static void WaitUntil(long timestamp)
    {
        while (true)
        {
            var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), timestamp);
            if (left <= TimeSpan.Zero)
            {
                return;
            }
            _ = usleep((uint)Math.Max(1, left.TotalMicroseconds));
        }
    }

    private async Task WaitAnsweredAsync(List<Lane> lanes, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + Drain;
        while (lanes.Any(l => !l.Scheduled.IsEmpty && !l.Broken) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
        }
    }

    private LatencyResult Summarize(List<Lane> lanes, List<double> sendLate)
    {
        var all = lanes.SelectMany(l => l.LatenciesMs).Order().ToList();
        var failed = lanes.Sum(l => l.Failed + l.Scheduled.Count);
        sendLate.Sort();
        return new LatencyResult(rate, all.Count, failed,
            Percentiles.Of(all, 0.50), Percentiles.Of(all, 0.99), Percentiles.Of(all, 0.999),
            all.Count == 0 ? 0 : all[^1], Percentiles.Of(sendLate, 0.99));
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int usleep(uint microseconds);

    [DllImport("libc", SetLastError = true)]
    private static extern int prctl(int option, ulong arg2, ulong arg3, ulong arg4, ulong arg5);

    /// <summary>One keep-alive connection: the send slots waiting for answers, and the answers' latencies.</summary>
    private sealed class Lane(Socket socket)
    {
        private readonly HttpResponseFramer _framer = new();

        public ConcurrentQueue<long> Scheduled { get; } = new();

        public List<double> LatenciesMs { get; } = [];

        public long Failed { get; private set; }

        public bool Broken { get; private set; }

        public bool TrySend(byte[] request)
        {
            try
            {
                socket.Send(request);
                return true;
            }
            catch (SocketException)
            {
                Broken = true;
                return false;
            }
        }

        public async Task ReceiveAsync(CancellationToken cancellationToken)
        {
            try
            {
                while (true)
                {
                    var n = await socket.ReceiveAsync(_framer.FreeSpace(), SocketFlags.None, cancellationToken);
                    if (n == 0)
                    {
                        break;
                    }
                    Complete(_framer.Advance(n));
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or InvalidDataException)
            {
                // Stopped, or the connection failed: unanswered slots are counted as failed.
            }
            Broken = true;
        }

        private void Complete((int Ok, int Failed) responses)
        {
            var now = Stopwatch.GetTimestamp();
            for (var i = 0; i < responses.Ok + responses.Failed; i++)
            {
                if (Scheduled.TryDequeue(out var slot) && i < responses.Ok)
                {
                    LatenciesMs.Add(Stopwatch.GetElapsedTime(slot, now).TotalMilliseconds);
                }
            }
            Failed += responses.Failed;
        }
    }
}
