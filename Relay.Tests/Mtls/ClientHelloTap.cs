using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Relay.Tests.Mtls;

/// <summary>
/// A TCP relay between two Relays that records each connection's first bytes, so a test can
/// read what the caller's TLS ClientHello offered (here: whether it tried to resume).
/// </summary>
internal sealed class ClientHelloTap : IDisposable
{
    // TLS extension pre_shared_key (RFC 8446 §4.2.11): present only when the client resumes.
    private const ushort PreSharedKey = 41;

    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<byte[]> _hellos = new();

    public ClientHelloTap()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(16);
        _ = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    /// <summary>Where tapped connections go; set before the first connection arrives.</summary>
    public IPEndPoint? Target { get; set; }

    /// <summary>For each tapped connection in order: did its ClientHello carry pre_shared_key?</summary>
    public IReadOnlyList<bool> ResumptionAttempts => _hellos.Select(OffersPreSharedKey).ToList();

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var client = await _listener.AcceptAsync(_stop.Token);
                _ = PumpAsync(client);
            }
            catch (Exception)
            {
                return;
            }
        }
    }

    private async Task PumpAsync(Socket client)
    {
        using var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using (client)
        {
            try
            {
                await upstream.ConnectAsync(Target!, _stop.Token);
                var first = new byte[16384];
                var n = await client.ReceiveAsync(first, SocketFlags.None, _stop.Token);
                _hellos.Enqueue(first[..n]);
                await upstream.SendAsync(first.AsMemory(0, n), SocketFlags.None, _stop.Token);
                await Task.WhenAll(CopyAsync(client, upstream), CopyAsync(upstream, client));
            }
            catch (Exception)
            {
                // A test connection ended: nothing to tap any more.
            }
        }
    }

    private async Task CopyAsync(Socket from, Socket to)
    {
        var buffer = new byte[16384];
        int n;
        while ((n = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token)) > 0)
        {
            await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, _stop.Token);
        }
        to.Shutdown(SocketShutdown.Send);
    }

    /// <summary>Walks record → ClientHello → extensions (the first segment holds the whole hello).</summary>
    private static bool OffersPreSharedKey(byte[] record)
    {
        var p = 5 + 4 + 2 + 32;
        if (record.Length < p + 1 || record[0] != 22 || record[5] != 1)
        {
            return false;
        }
        p += 1 + record[p];
        p += 2 + BinaryPrimitives.ReadUInt16BigEndian(record.AsSpan(p));
        p += 1 + record[p];
        var end = p + 2 + BinaryPrimitives.ReadUInt16BigEndian(record.AsSpan(p));
        for (p += 2; p + 4 <= Math.Min(end, record.Length); p += 4 + BinaryPrimitives.ReadUInt16BigEndian(record.AsSpan(p + 2)))
        {
            if (BinaryPrimitives.ReadUInt16BigEndian(record.AsSpan(p)) == PreSharedKey)
            {
                return true;
            }
        }
        return false;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
    }
}
