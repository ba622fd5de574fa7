using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Relay.Core.Connections;
using Relay.Core.Net;
using Relay.Core.Observability;

namespace Relay.Core.Listeners;

/// <summary>
/// Accepts on one bound socket and hands each connection to the handler without awaiting it,
/// so a slow connection never delays the next accept.
/// </summary>
internal sealed partial class TcpListenerLoop : IAsyncDisposable
{
    // Linux caps the backlog at net.core.somaxconn (4096 since kernel 5.4); asking for that
    // much lets bursts of new connections queue instead of being dropped.
    private const int Backlog = 4096;

    // After an accept error (EMFILE/ENFILE above all), pause instead of spinning on the same
    // error: 10 ms first (a descriptor is often freed within one connection's lifetime), doubling
    // to 1 s, back to the start after an accept succeeds. HAProxy likewise stops accepting on
    // EMFILE until a connection closes; the backlog holds the callers meanwhile.
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(1);

    // With inline socket completions (Program.cs) an accept that had to wait resumes this loop on
    // the epoll thread, and while the backlog is full every next accept completes at once: a burst
    // of 10,000 flood connections then kept that thread, and every other socket it serves, busy
    // for the whole burst (Relay.Bench flood: keep-alive mesh p99 160-500 ms, once 3.5 s, against
    // 5-8 ms quiet). After this many accepts in a row the loop yields to the thread pool, as
    // HAProxy accepts at most tune.maxaccept (64) per listener per wake-up.
    private const int MaxAcceptsInARow = 64;

    // One warning per 10 s per listener, with the count of failures since.
    private readonly LogThrottle _errorLog = new(TimeSpan.FromSeconds(10), TimeProvider.System);

    private readonly Socket _socket;
    private readonly Func<Socket, ListenerSpec, ListenerRetirement, Task> _handle;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    private TcpListenerLoop(ListenerSpec spec, Socket socket, Func<Socket, ListenerSpec, ListenerRetirement, Task> handle, ILogger logger)
    {
        Spec = spec;
        _socket = socket;
        _handle = handle;
        _logger = logger;
    }

    public ListenerSpec Spec { get; }

    /// <summary>Set when a reload removes this listener: the connections it accepted drain.</summary>
    public ListenerRetirement Retirement { get; } = new();

    public static TcpListenerLoop Bind(ListenerSpec spec, Func<Socket, ListenerSpec, ListenerRetirement, Task> handle, ILogger logger)
    {
        var socket = new Socket(spec.Address.Family, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (spec.Address.Family == AddressFamily.InterNetworkV6)
            {
                // Separate IPv4 and IPv6 sockets: each reads its own family's original destination.
                socket.DualMode = false;
            }
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(spec.Address.ToIPEndPoint());
            socket.Listen(Backlog);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new TcpListenerLoop(spec, socket, handle, logger);
    }

    public void Start() => _loop = AcceptLoopAsync();

    private async Task AcceptLoopAsync()
    {
        var backoff = FirstBackoff;
        var inARow = 0;
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                var accept = _socket.AcceptAsync(_stop.Token);
                inARow = accept.IsCompleted ? inARow + 1 : 0;
                if (inARow >= MaxAcceptsInARow)
                {
                    inARow = 0;
                    await Task.Yield();
                }
                client = await accept.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException ex) when (!_stop.IsCancellationRequested)
            {
                if (_errorLog.TryEnter(out var suppressed))
                {
                    LogAcceptFailed(_logger, Spec.ToString(), ResourceExhaustion.Is(ex) ? "resource_exhausted" : ex.SocketErrorCode.ToString(), suppressed);
                }
                await Task.Delay(backoff, CancellationToken.None).ConfigureAwait(false);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
                continue;
            }
            catch (SocketException)
            {
                return;
            }
            backoff = FirstBackoff;
            client.NoDelay = true;
            _ = _handle(client, Spec, Retirement);
        }
    }

    /// <summary>Stops accepting; connections already accepted keep running.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }
        _stop.Dispose();
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "accept on {Listener} failed: {Error} ({Suppressed} more since the last report); backing off up to 1 s")]
    private static partial void LogAcceptFailed(ILogger logger, string listener, string error, long suppressed);
}
