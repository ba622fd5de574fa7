using System.Net;
using System.Net.Sockets;

namespace Relay.Tests.Root.Infrastructure;

/// <summary>How a client-side read ended: orderly FIN or a reset.</summary>
internal sealed record ReadOutcome(byte[] Data, bool Reset);

/// <summary>Client-side helpers for test apps: bounded in bytes and time.</summary>
internal static class TcpExchange
{
    /// <summary>Per-exchange bound: a healthy proxied echo on the bridge takes milliseconds.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Connects from <paramref name="from"/>, sends the payload, half-closes and reads the echo to EOF.</summary>
    public static async Task<byte[]> EchoAsync(NetnsHost from, IPEndPoint to, byte[] payload)
    {
        using var cts = new CancellationTokenSource(DefaultTimeout);
        using var socket = await from.ConnectAsync(to, DefaultTimeout);
        await socket.SendAsync(payload, SocketFlags.None, cts.Token);
        socket.Shutdown(SocketShutdown.Send);
        return await ReadToEndAsync(socket, payload.Length + 1, cts.Token);
    }

    /// <summary>Reads until EOF or until more than <paramref name="maxBytes"/> arrived (then stops).</summary>
    public static async Task<byte[]> ReadToEndAsync(Socket socket, int maxBytes, CancellationToken cancellationToken)
    {
        var received = new MemoryStream();
        var buffer = new byte[Math.Min(maxBytes + 1, 64 * 1024)];
        while (received.Length <= maxBytes)
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                break;
            }
            received.Write(buffer, 0, read);
        }
        return received.ToArray();
    }

    /// <summary>Like <see cref="ReadToEndAsync"/> but reports a reset as an outcome instead of throwing.</summary>
    public static async Task<ReadOutcome> ReadOutcomeAsync(Socket socket, int maxBytes, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            return new ReadOutcome(await ReadToEndAsync(socket, maxBytes, cts.Token), Reset: false);
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
        {
            return new ReadOutcome([], Reset: true);
        }
    }

    /// <summary>A recognisable payload of the given size.</summary>
    public static byte[] Payload(int size, int seed) =>
        Enumerable.Range(0, size).Select(i => (byte)((i * 31) + seed)).ToArray();
}
