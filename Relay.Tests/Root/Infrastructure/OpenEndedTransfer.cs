using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Relay.Tests.Root.Infrastructure;

/// <summary>
/// One long-lived connection to a <see cref="HashSink"/> that keeps sending paced pseudo-random chunks until
/// the test calls <see cref="FinishAsync"/>, then half-closes and compares the sink's SHA-256 with its own.
/// Unlike <see cref="DataSource"/> its length is decided by the test, so it is sure to span every step the
/// test takes (credential rotations) however long those take on a loaded VM. Bounded in bytes and time.
/// </summary>
internal sealed class OpenEndedTransfer : IAsyncDisposable
{
    /// <summary>64 KiB every 20 ms ≈ 3 MB/s: steady traffic through each rotation without hogging 2 cores.</summary>
    private const int ChunkSize = 64 * 1024;

    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(20);

    /// <summary>Hard bounds: 2 minutes or 512 MB, whichever first, even if the test never finishes it.</summary>
    private static readonly TimeSpan MaxDuration = TimeSpan.FromMinutes(2);

    private const long MaxBytes = 512L * 1024 * 1024;

    private readonly Socket socket;
    private readonly CancellationTokenSource finish = new();
    private readonly CancellationTokenSource abort = new(MaxDuration + TimeSpan.FromSeconds(30));
    private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly Stopwatch watch = Stopwatch.StartNew();
    private readonly Task sending;
    private long sent;
    private volatile string? error;

    private OpenEndedTransfer(Socket socket)
    {
        this.socket = socket;
        finish.CancelAfter(MaxDuration);
        sending = Task.Run(SendUntilFinishedAsync);
    }

    public long SentBytes => Interlocked.Read(ref sent);

    /// <summary>Why sending or reading the sink's reply failed; null while all is well.</summary>
    public string? Error => error;

    /// <summary>True when sending stopped on its own (an error), i.e. before <see cref="FinishAsync"/>.</summary>
    public bool EndedEarly => sending.IsCompleted && !finish.IsCancellationRequested;

    public static async Task<OpenEndedTransfer> StartAsync(NetnsHost from, IPEndPoint sink) =>
        new(await from.ConnectAsync(sink, TcpExchange.DefaultTimeout));

    /// <summary>Stops sending, half-closes and returns what the sink received against what was sent.</summary>
    public async Task<TransferResult> FinishAsync()
    {
        await finish.CancelAsync();
        await sending;
        var reply = Array.Empty<byte>();
        try
        {
            socket.Shutdown(SocketShutdown.Send);
            reply = await TcpExchange.ReadToEndAsync(socket, HashSink.ReplyLength, abort.Token);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            error ??= $"reading the sink's reply: {ex.Message}";
        }
        var received = reply.Length == HashSink.ReplyLength ? BinaryPrimitives.ReadInt64BigEndian(reply.AsSpan(32)) : -1;
        return new TransferResult(hash.GetHashAndReset(), SentBytes, reply.Length >= 32 ? reply[..32] : reply, received, watch.Elapsed);
    }

    public async ValueTask DisposeAsync()
    {
        await finish.CancelAsync();
        await abort.CancelAsync();
        await sending;
        socket.Dispose();
        hash.Dispose();
        finish.Dispose();
        abort.Dispose();
    }

    private async Task SendUntilFinishedAsync()
    {
        var chunk = new byte[ChunkSize];
        var random = new Random(20240601); // fixed seed: reproducible content, pattern-free enough for hashing
        try
        {
            while (!finish.IsCancellationRequested && SentBytes + ChunkSize <= MaxBytes)
            {
                random.NextBytes(chunk);
                hash.AppendData(chunk);
                for (var offset = 0; offset < chunk.Length;)
                {
                    offset += await socket.SendAsync(chunk.AsMemory(offset), SocketFlags.None, abort.Token);
                }
                Interlocked.Add(ref sent, chunk.Length);
                await Task.Delay(Pace, finish.Token);
            }
        }
        catch (OperationCanceledException) when (finish.IsCancellationRequested && !abort.IsCancellationRequested)
        {
            // FinishAsync during the pause between chunks: every appended chunk was fully sent.
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            error = $"sending after {SentBytes} bytes: {ex.Message}";
        }
    }
}
