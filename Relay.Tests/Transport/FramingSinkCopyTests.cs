using System.Buffers.Binary;
using System.Net.Sockets;
using System.Security.Cryptography;
using Relay.Core.Transport;
using Relay.Core.Vocabulary;
using Relay.Tests.Support;

namespace Relay.Tests.Transport;

/// <summary>
/// The copier's contract with a framing sink (relay/2's MeshChannel): every chunk arrives with
/// the header room in front of it, no chunk is larger than a frame, nothing goes through the
/// sink's plain write, and the payloads put together are the bytes the app sent.
/// </summary>
[Trait("Tier", "Loopback")]
public sealed class FramingSinkCopyTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task EveryChunk_GetsHeaderRoom_AndFitsOneFrame_AndTheBytesArriveInOrder()
    {
        using var app = await LoopbackPair.CreateAsync();
        using var upstream = await LoopbackPair.CreateAsync();
        var sink = new RecordingFramedStream(maxPayload: 1000);
        await using var clientEnd = ConnectionEnd.ForSocket(app.Right, bufferSize: 65536);
        await using var upstreamEnd = new ConnectionEnd(upstream.Left, sink, bufferSize: 65536);
        var copy = DuplexCopier.CopyAsync(clientEnd, upstreamEnd, new ActivityClock());

        var sent = RandomNumberGenerator.GetBytes(300_000);
        await SocketIo.SendAllAsync(app.Left, sent);
        app.Left.Shutdown(SocketShutdown.Send);
        // The sink's own direction reads EOF once the end frame is written, so the copy completes.
        await sink.Ended.WaitAsync(Deadline);
        var result = await copy.WaitAsync(Deadline);

        Assert.Equal(CloseReason.Completed, result.Reason);
        Assert.Equal(sent.Length, result.BytesToUpstream);
        Assert.Equal(0, sink.PlainWrites);
        Assert.True(sink.Frames.Count >= sent.Length / 1000, $"{sink.Frames.Count} frames for {sent.Length} bytes at 1000 per frame");
        Assert.All(sink.Frames, f => Assert.InRange(f.Length, 1, 1000));
        Assert.Equal(sent, sink.Frames.SelectMany(f => f).ToArray());
    }

    /// <summary>A sink that checks each frame's header room is there (writes its length into it) and keeps the payloads.</summary>
    private sealed class RecordingFramedStream(int maxPayload) : Stream, IFramingSink, ICarriedStream
    {
        private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<byte[]> Frames { get; } = [];

        public int PlainWrites { get; private set; }

        public Task Ended => _ended.Task;

        public int HeaderRoom => 4;

        public int MaxPayload => maxPayload;

        public ValueTask WriteFramedAsync(Memory<byte> frame, CancellationToken cancellationToken)
        {
            var payload = frame.Length - HeaderRoom;
            BinaryPrimitives.WriteInt32BigEndian(frame.Span, payload);
            Frames.Add(frame.Span[HeaderRoom..].ToArray());
            return ValueTask.CompletedTask;
        }

        public ValueTask WriteEndAsync()
        {
            _ended.TrySetResult();
            return ValueTask.CompletedTask;
        }

        public bool TryRelease() => false;

        // The upstream direction: nothing to read until the test ends it.
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            new(Ended.ContinueWith(_ => 0, TaskScheduler.Default));

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            PlainWrites++;
            return ValueTask.CompletedTask;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => PlainWrites++;
    }
}
