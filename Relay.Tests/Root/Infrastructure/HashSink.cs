using System.Buffers.Binary;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Relay.Tests.Root.Infrastructure;

/// <summary>
/// Reads a connection to EOF, hashing everything with SHA-256, then replies with the 32-byte hash followed
/// by the byte count (8 bytes, big-endian) and closes. Lets a test check a bulk transfer end to end
/// without holding it in memory.
/// </summary>
internal sealed class HashSink : TestServer
{
    public const int ReplyLength = 32 + sizeof(long);

    /// <summary>64 KiB: bulk reads; fewer syscalls for the 50 MB transfer.</summary>
    private const int BufferSize = 64 * 1024;

    private HashSink(NetnsHost host, int port) : base(host, port)
    {
    }

    public static HashSink Start(NetnsHost host, int port, int maxConnections = 16)
    {
        var sink = new HashSink(host, port);
        sink.Start(maxConnections);
        return sink;
    }

    protected override async Task ServeAsync(Socket connection, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[BufferSize];
        long total = 0;
        int read;
        while ((read = await connection.ReceiveAsync(buffer, SocketFlags.None, cancellationToken)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            total += read;
        }
        var reply = new byte[ReplyLength];
        hash.GetHashAndReset(reply);
        BinaryPrimitives.WriteInt64BigEndian(reply.AsSpan(32), total);
        await connection.SendAsync(reply, SocketFlags.None, cancellationToken);
        connection.Shutdown(SocketShutdown.Send);
    }
}
