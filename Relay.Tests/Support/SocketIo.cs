using System.Net.Sockets;
using System.Security.Cryptography;

namespace Relay.Tests.Support;

/// <summary>Bounded socket helpers for tests: every read and write has a deadline.</summary>
internal static class SocketIo
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    public static async Task<byte[]> ReadToEndAsync(Socket socket, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        var output = new MemoryStream();
        var buffer = new byte[16384];
        while (true)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            if (n == 0)
            {
                return output.ToArray();
            }
            output.Write(buffer, 0, n);
        }
    }

    public static async Task SendAllAsync(Socket socket, ReadOnlyMemory<byte> data, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        while (!data.IsEmpty)
        {
            var n = await socket.SendAsync(data, SocketFlags.None, cts.Token);
            data = data[n..];
        }
    }

    /// <summary>Sends <paramref name="total"/> deterministic pseudo-random bytes and returns their SHA-256.</summary>
    public static async Task<byte[]> SendPatternAsync(Socket socket, long total, int seed, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var random = new Random(seed);
        var chunk = new byte[256 * 1024];
        random.NextBytes(chunk);
        long sent = 0;
        while (sent < total)
        {
            var size = (int)Math.Min(chunk.Length, total - sent);
            // Vary the first byte per chunk so reordering or duplication would change the hash.
            chunk[0] = (byte)(sent / chunk.Length);
            hash.AppendData(chunk, 0, size);
            var memory = chunk.AsMemory(0, size);
            while (!memory.IsEmpty)
            {
                var n = await socket.SendAsync(memory, SocketFlags.None, cts.Token);
                memory = memory[n..];
            }
            sent += size;
        }
        return hash.GetHashAndReset();
    }

    /// <summary>Reads to EOF, returning the byte count and SHA-256.</summary>
    public static async Task<(long Bytes, byte[] Hash)> HashToEndAsync(Socket socket, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[256 * 1024];
        long total = 0;
        while (true)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            if (n == 0)
            {
                return (total, hash.GetHashAndReset());
            }
            hash.AppendData(buffer, 0, n);
            total += n;
        }
    }
}
