using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Relay.Tests.Root.Infrastructure;

/// <summary>Outcome of sending a stream to a <see cref="HashSink"/>.</summary>
internal sealed record TransferResult(byte[] SentHash, long SentBytes, byte[] ReceivedHash, long ReceivedBytes, TimeSpan Elapsed)
{
    public bool Intact => SentBytes == ReceivedBytes && SentHash.AsSpan().SequenceEqual(ReceivedHash);
}

/// <summary>
/// Sends N bytes of deterministic pseudo-random data (xorshift64, so compression or pattern-aware code
/// cannot pass by accident), optionally paced, then half-closes and reads the sink's hash reply.
/// </summary>
internal static class DataSource
{
    public const int ChunkSize = 64 * 1024;

    /// <summary>Invoked after each chunk with the bytes sent so far; lets a test act mid-transfer.</summary>
    public static async Task<TransferResult> SendToSinkAsync(
        Socket socket, long totalBytes, TimeSpan pacePerChunk, Action<long>? progress, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var chunk = new byte[ChunkSize];
        var state = 0x9E3779B97F4A7C15UL; // golden-ratio seed: any non-zero xorshift state works
        long sent = 0;
        while (sent < totalBytes)
        {
            var length = (int)Math.Min(ChunkSize, totalBytes - sent);
            Fill(chunk.AsSpan(0, length), ref state);
            hash.AppendData(chunk, 0, length);
            await SendAllAsync(socket, chunk.AsMemory(0, length), cancellationToken);
            sent += length;
            progress?.Invoke(sent);
            if (pacePerChunk > TimeSpan.Zero)
            {
                await Task.Delay(pacePerChunk, cancellationToken);
            }
        }
        socket.Shutdown(SocketShutdown.Send);
        var reply = await TcpExchange.ReadToEndAsync(socket, HashSink.ReplyLength, cancellationToken);
        var received = reply.Length == HashSink.ReplyLength ? BinaryPrimitives.ReadInt64BigEndian(reply.AsSpan(32)) : -1;
        return new TransferResult(hash.GetHashAndReset(), sent, reply.Length >= 32 ? reply[..32] : reply, received, watch.Elapsed);
    }

    private static async Task SendAllAsync(Socket socket, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            var written = await socket.SendAsync(data, SocketFlags.None, cancellationToken);
            data = data[written..];
        }
    }

    private static void Fill(Span<byte> buffer, ref ulong state)
    {
        for (var i = 0; i + sizeof(ulong) <= buffer.Length; i += sizeof(ulong))
        {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            BinaryPrimitives.WriteUInt64LittleEndian(buffer[i..], state);
        }
        for (var i = buffer.Length - (buffer.Length % sizeof(ulong)); i < buffer.Length; i++)
        {
            buffer[i] = (byte)state;
        }
    }
}
