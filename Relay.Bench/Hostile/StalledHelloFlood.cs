using System.Net;
using System.Net.Sockets;

namespace Relay.Bench.Hostile;

/// <summary>
/// Issue 17 §2's attacker: one source address opens up to <paramref name="target"/> connections to
/// Relay's inbound port, sends each a full ClientHello, then stays silent. Whatever Relay closes
/// (the per-source limit at once, the handshake deadline later) is reopened, at most
/// <paramref name="reconnectsPerSecond"/> per second, so the pressure lasts the whole phase without
/// the flooder turning into an unbounded SYN loop.
/// </summary>
internal sealed class StalledHelloFlood(IPAddress source, int port, byte[] hello, int target, int reconnectsPerSecond) : IAsyncDisposable
{
    // Connects in flight at once: enough to open 10,000 in a few seconds on loopback without
    // overrunning Relay's listen backlog (SOMAXCONN, 4096) into SYN retries.
    private const int Concurrency = 128;

    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _connecting = new(Concurrency, Concurrency);
    private readonly List<Task> _workers = [];
    private long _opened;
    private long _closedByRelay;
    private long _refused;
    private long _reset;
    private int _held;

    public long Opened => Interlocked.Read(ref _opened);

    public long ClosedByRelay => Interlocked.Read(ref _closedByRelay);

    /// <summary>Connects that failed (refused, or no ephemeral port left).</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Held connections Relay reset (the per-source limit resets at accept) rather than closed.</summary>
    public long Reset => Interlocked.Read(ref _reset);

    public int Held => Volatile.Read(ref _held);

    /// <summary>
    /// Starts every slot. A slot reopens no sooner than target/reconnectsPerSecond after its last
    /// open, so all slots together reconnect at most <paramref name="reconnectsPerSecond"/> per second.
    /// </summary>
    public void Start()
    {
        var interval = TimeSpan.FromSeconds(target / (double)reconnectsPerSecond);
        for (var i = 0; i < target; i++)
        {
            _workers.Add(HoldAsync(interval, _stop.Token));
        }
    }

    private async Task HoldAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var openedAt = DateTime.UtcNow;
            using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
            {
                if (await TryOpenAsync(socket, cancellationToken))
                {
                    await StallAsync(socket, cancellationToken);
                }
            }
            var wait = interval - (DateTime.UtcNow - openedAt);
            if (wait > TimeSpan.Zero && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(wait, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Connects from the attacker's address and sends the hello; false when the connect failed or the run ended.</summary>
    private async Task<bool> TryOpenAsync(Socket socket, CancellationToken cancellationToken)
    {
        try
        {
            socket.Bind(new IPEndPoint(source, 0));
            await _connecting.WaitAsync(cancellationToken);
            try
            {
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
                await socket.SendAsync(hello, SocketFlags.None, cancellationToken);
            }
            finally
            {
                _connecting.Release();
            }
            Interlocked.Increment(ref _opened);
            return true;
        }
        catch (SocketException)
        {
            Interlocked.Increment(ref _refused);
            return false;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Silent from here on: a read returns when Relay closes the connection or resets it.</summary>
    private async Task StallAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[256];
        Interlocked.Increment(ref _held);
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken) > 0)
            {
            }
            Interlocked.Increment(ref _closedByRelay);
        }
        catch (SocketException)
        {
            Interlocked.Increment(ref _reset);
        }
        catch (OperationCanceledException)
        {
            // The run ended with the connection still held.
        }
        finally
        {
            Interlocked.Decrement(ref _held);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
        _stop.Dispose();
        _connecting.Dispose();
    }
}
