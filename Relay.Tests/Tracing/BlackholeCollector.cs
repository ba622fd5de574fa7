using System.Net;
using System.Net.Sockets;
using Relay.Tests.Support;

namespace Relay.Tests.Tracing;

/// <summary>
/// A collector address that accepts TCP and then never answers: reads and discards whatever it is
/// sent and holds the connection open. The worst case for an OTLP exporter (HTTP or gRPC), which
/// cannot tell it from a slow collector until its own timeout.
/// </summary>
internal sealed class BlackholeCollector : IDisposable
{
    private readonly TcpListener _listener;
    private readonly List<Socket> _held = [];
    private long _bytes;
    private int _connections;

    private BlackholeCollector(TcpListener listener)
    {
        _listener = listener;
        _ = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Connections accepted: the exporter did try.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Bytes received and never answered.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    public static BlackholeCollector Start()
    {
        var listener = new TcpListener(IPAddress.Loopback, FreePorts.Next());
        listener.Start();
        return new BlackholeCollector(listener);
    }

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync();
                Interlocked.Increment(ref _connections);
                lock (_held)
                {
                    _held.Add(socket);
                }
                _ = DiscardAsync(socket);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private async Task DiscardAsync(Socket socket)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer)) > 0)
            {
                Interlocked.Add(ref _bytes, read);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Closed by the exporter or by Dispose.
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        lock (_held)
        {
            _held.ForEach(s => s.Dispose());
        }
    }
}
