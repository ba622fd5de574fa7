using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Relay.Tests.Http;

/// <summary>
/// A deliberately minimal HTTP/2 client written by hand for the hostile-client tests (RFC 9113
/// frames, HPACK literals only): it sends what no well-behaved library would (HEADERS then
/// RST_STREAM at once, PING floods) and records what the server sent back. Test code only: Relay
/// itself never parses HTTP/2; Kestrel does.
/// </summary>
internal sealed class RawH2Client : IAsyncDisposable
{
    public const byte Data = 0x0, Headers = 0x1, RstStream = 0x3, Settings = 0x4, Ping = 0x6, GoAway = 0x7, WindowUpdate = 0x8;
    public const uint Cancel = 0x8;

    private static readonly byte[] Preface = Encoding.ASCII.GetBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

    private readonly Socket _socket;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reader;
    private readonly TaskCompletionSource<(uint LastStreamId, uint ErrorCode)> _goAway = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _pingAcks;
    private int _disposed;

    private RawH2Client(Socket socket, bool read)
    {
        _socket = socket;
        _reader = read ? ReadLoopAsync() : WatchForCloseAsync();
    }

    /// <summary>Streams the server answered with HEADERS, by stream id, with the :status seen (0 when not decodable).</summary>
    public ConcurrentDictionary<uint, int> Responses { get; } = new();

    /// <summary>Streams the server reset, with the error code.</summary>
    public ConcurrentDictionary<uint, uint> Resets { get; } = new();

    /// <summary>Streams whose response ended (END_STREAM on HEADERS or DATA).</summary>
    public ConcurrentDictionary<uint, bool> Ended { get; } = new();

    public int PingAcks => Volatile.Read(ref _pingAcks);

    /// <summary>The first GOAWAY the server sent.</summary>
    public Task<(uint LastStreamId, uint ErrorCode)> GoAwayReceived => _goAway.Task;

    /// <summary>Completes when the server closed or reset the connection.</summary>
    public Task Closed => _closed.Task;

    /// <param name="read">False: never read what the server sends (a client that lets the server's output back up);
    /// <see cref="Closed"/> then completes when the socket errors (the server reset it).</param>
    public static async Task<RawH2Client> ConnectAsync(int port, bool read = true)
    {
        // No small SO_RCVBUF for a client that never reads. With 4 KiB, CI once saw the flood stop
        // reaching Relay after 127 KB: Relay had read and answered every PING, none of its writes
        // was waiting, and Kestrel's keep-alive closed the connection as idle, so the test never
        // reached the output stall it is about. Not reproduced here (CPU load and thread-pool
        // starvation both still end in the stall); a 4 KiB window is the one unusual thing on that
        // path, so it goes. At the default the server's output backs up after ~3 MB on loopback.
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        var client = new RawH2Client(socket, read);
        await client.SendRawAsync(Preface);
        await client.SendFrameAsync(Settings, 0, 0, ReadOnlyMemory<byte>.Empty);
        return client;
    }

    /// <summary>A GET for <paramref name="path"/> on <paramref name="streamId"/> (odd, increasing), END_STREAM set.</summary>
    public Task SendGetAsync(uint streamId, string path) => SendFrameAsync(Headers, 0x1 | 0x4, streamId, GetBlock(path));

    public Task SendRstAsync(uint streamId, uint code = Cancel)
    {
        var payload = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(payload, code);
        return SendFrameAsync(RstStream, 0, streamId, payload);
    }

    public Task SendPingAsync(ulong opaque)
    {
        var payload = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(payload, opaque);
        return SendFrameAsync(Ping, 0, 0, payload);
    }

    /// <summary><paramref name="count"/> PING frames in one write.</summary>
    public Task SendPingsAsync(int count, ulong firstOpaque)
    {
        var frames = new byte[count * 17];
        for (var i = 0; i < count; i++)
        {
            WriteHeader(frames.AsSpan(i * 17), 8, Ping, 0, 0);
            BinaryPrimitives.WriteUInt64BigEndian(frames.AsSpan((i * 17) + 9), firstOpaque + (ulong)i);
        }
        return SendRawAsync(frames);
    }

    /// <summary>HEADERS and RST_STREAM for one stream in a single write: the CVE-2023-44487 pattern.</summary>
    public Task SendGetAndResetAsync(uint streamId, string path)
    {
        var block = GetBlock(path);
        var frames = new byte[9 + block.Length + 9 + 4];
        WriteHeader(frames, block.Length, Headers, 0x1 | 0x4, streamId);
        block.CopyTo(frames, 9);
        var rst = 9 + block.Length;
        WriteHeader(frames.AsSpan(rst), 4, RstStream, 0, streamId);
        BinaryPrimitives.WriteUInt32BigEndian(frames.AsSpan(rst + 9), Cancel);
        return SendRawAsync(frames);
    }

    public async Task SendFrameAsync(byte type, byte flags, uint streamId, ReadOnlyMemory<byte> payload)
    {
        var frame = new byte[9 + payload.Length];
        WriteHeader(frame, payload.Length, type, flags, streamId);
        payload.CopyTo(frame.AsMemory(9));
        await SendRawAsync(frame);
    }

    private async Task SendRawAsync(ReadOnlyMemory<byte> bytes)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _writeLock.WaitAsync(timeout.Token);
        try
        {
            while (!bytes.IsEmpty)
            {
                var n = await _socket.SendAsync(bytes, SocketFlags.None, timeout.Token);
                bytes = bytes[n..];
            }
        }
        catch (SocketException)
        {
            _closed.TrySetResult(); // reset by the server: what a client that never reads learns first
            throw;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private static void WriteHeader(Span<byte> into, int length, byte type, byte flags, uint streamId)
    {
        into[0] = (byte)(length >> 16);
        into[1] = (byte)(length >> 8);
        into[2] = (byte)length;
        into[3] = type;
        into[4] = flags;
        BinaryPrimitives.WriteUInt32BigEndian(into[5..], streamId & 0x7fffffff);
    }

    /// <summary>HPACK: :method GET (static 2), :scheme http (static 6), :path and :authority as literals without indexing.</summary>
    private static byte[] GetBlock(string path)
    {
        var block = new List<byte> { 0x82, 0x86 };
        AddLiteral(block, 4, path);
        AddLiteral(block, 1, "relay.test");
        return [.. block];
    }

    private static void AddLiteral(List<byte> block, byte nameIndex, string value)
    {
        // Literal header field without indexing, indexed name (RFC 7541 §6.2.2); values here stay under 127 bytes.
        block.Add(nameIndex);
        var bytes = Encoding.ASCII.GetBytes(value);
        block.Add((byte)bytes.Length);
        block.AddRange(bytes);
    }

    private async Task WatchForCloseAsync()
    {
        // Poll for an error or hang-up without consuming data (peek of 1 byte returns at once while data waits).
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                if (_socket.Poll(0, SelectMode.SelectError) || (_socket.Poll(0, SelectMode.SelectRead) && _socket.Available == 0))
                {
                    break;
                }
                await Task.Delay(50, _stop.Token);
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            _closed.TrySetResult();
        }
    }

    private async Task ReadLoopAsync()
    {
        var header = new byte[9];
        try
        {
            while (true)
            {
                await ReadExactlyAsync(header);
                var length = (header[0] << 16) | (header[1] << 8) | header[2];
                var type = header[3];
                var flags = header[4];
                var streamId = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(5)) & 0x7fffffff;
                var payload = new byte[length];
                await ReadExactlyAsync(payload);
                await OnFrameAsync(type, flags, streamId, payload);
            }
        }
        catch (Exception ex) when (ex is SocketException or EndOfStreamException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            _closed.TrySetResult();
        }
    }

    private async Task OnFrameAsync(byte type, byte flags, uint streamId, byte[] payload)
    {
        switch (type)
        {
            case Settings when (flags & 0x1) == 0:
                await SendFrameAsync(Settings, 0x1, 0, ReadOnlyMemory<byte>.Empty);
                break;
            case Ping when (flags & 0x1) != 0:
                Interlocked.Increment(ref _pingAcks);
                break;
            case Headers:
                // The server's first header is :status, HPACK-indexed (static 8 = 200 ... 14 = 500) or a literal.
                Responses.TryAdd(streamId, payload.Length > 0 && payload[0] is >= 0x88 and <= 0x8e ? StaticStatus(payload[0]) : 0);
                if ((flags & 0x1) != 0)
                {
                    Ended[streamId] = true;
                }
                break;
            case Data:
                if ((flags & 0x1) != 0)
                {
                    Ended[streamId] = true;
                }
                if (payload.Length > 0)
                {
                    // Keep the server's windows open: credit what we read on the stream and the connection.
                    var credit = new byte[4];
                    BinaryPrimitives.WriteUInt32BigEndian(credit, (uint)payload.Length);
                    await SendFrameAsync(WindowUpdate, 0, 0, credit);
                }
                break;
            case RstStream:
                Resets[streamId] = BinaryPrimitives.ReadUInt32BigEndian(payload);
                break;
            case GoAway:
                _goAway.TrySetResult((BinaryPrimitives.ReadUInt32BigEndian(payload) & 0x7fffffff, BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(4))));
                break;
        }
    }

    private static int StaticStatus(byte indexed) => (indexed & 0x7f) switch
    {
        8 => 200, 9 => 204, 10 => 206, 11 => 304, 12 => 400, 13 => 404, 14 => 500, _ => 0,
    };

    private async Task ReadExactlyAsync(byte[] into)
    {
        var read = 0;
        while (read < into.Length)
        {
            var n = await _socket.ReceiveAsync(into.AsMemory(read), SocketFlags.None, _stop.Token);
            if (n == 0)
            {
                throw new EndOfStreamException();
            }
            read += n;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        _stop.Cancel();
        _socket.Dispose();
        await _reader;
        _stop.Dispose();
        _writeLock.Dispose();
    }
}
