using System.Buffers;
using Relay.Core.Vocabulary;

namespace Relay.Core.Transport;

/// <summary>
/// Moves bytes both ways until both directions end. Each direction half-closes its sink on
/// EOF (FIN propagates); a read or write failure resets both ends (RST propagates). No
/// per-chunk allocation: one pooled buffer per direction while data flows, socket ValueTasks, no
/// logging in the loop.
/// </summary>
internal static class DuplexCopier
{
    public static async Task<DuplexResult> CopyAsync(ConnectionEnd client, ConnectionEnd upstream, ActivityClock clock)
    {
        var toUpstream = new ByteCounter();
        var toClient = new ByteCounter();
        var up = CopyOneWayAsync(client, upstream, clock, toUpstream, fromClient: true);
        var down = CopyOneWayAsync(upstream, client, clock, toClient, fromClient: false);
        var first = await Task.WhenAny(up, down).ConfigureAwait(false);
        var second = first == up ? down : up;
        var reason = ReasonFor(first == up, first.Result);
        if (first.Result == CopyOutcome.Eof)
        {
            // Half-closed one way: the other direction keeps flowing until its own end.
            reason = ReasonFor(second == up, await second.ConfigureAwait(false));
        }
        if (reason != CloseReason.Completed)
        {
            // One side broke: the other cannot complete meaningfully, so RST both (first reason wins).
            client.Reset();
            upstream.Reset();
        }
        await second.ConfigureAwait(false);
        return new DuplexResult(reason, toUpstream.Value, toClient.Value);
    }

    /// <summary>Maps a direction's outcome to the side at fault.</summary>
    private static CloseReason ReasonFor(bool clientToUpstream, CopyOutcome outcome) => outcome switch
    {
        CopyOutcome.Eof => CloseReason.Completed,
        CopyOutcome.SourceFailed => clientToUpstream ? CloseReason.ClientReset : CloseReason.UpstreamReset,
        // A peer Relay upstream that breaks framing has no reason of its own yet: it reset the flow.
        CopyOutcome.SourceMalformed => clientToUpstream ? CloseReason.ClientProtocolError : CloseReason.UpstreamReset,
        _ => clientToUpstream ? CloseReason.UpstreamReset : CloseReason.ClientReset,
    };

    private static async Task<CopyOutcome> CopyOneWayAsync(ConnectionEnd from, ConnectionEnd to, ActivityClock clock, ByteCounter counter, bool fromClient)
    {
        // Read straight from the source stream into a pooled buffer and write that buffer on:
        // no PipeReader between them (one async layer and its segment bookkeeping less per chunk).
        // A relay/2 sink gets its header room in front of the chunk and a chunk no larger than a frame.
        var room = to.HeaderRoom;
        var chunk = Math.Min(from.BufferSize, to.MaxChunk);
        byte[]? buffer = null;
        try
        {
            while (true)
            {
                int read;
                try
                {
                    if (buffer is null)
                    {
                        // Zero-byte read: wait for data before taking a buffer, so an idle
                        // connection holds none (Kestrel's WaitForDataBeforeAllocatingBuffer).
                        await from.Stream.ReadAsync(Memory<byte>.Empty).ConfigureAwait(false);
                        buffer = ArrayPool<byte>.Shared.Rent(room + chunk);
                    }
                    read = await from.Stream.ReadAsync(buffer.AsMemory(room, chunk)).ConfigureAwait(false);
                }
                catch (MalformedStreamException)
                {
                    return CopyOutcome.SourceMalformed;
                }
                catch (Exception ex) when (TransportFailure.Is(ex))
                {
                    return CopyOutcome.SourceFailed;
                }
                if (read == 0)
                {
                    return await HalfCloseAsync(to).ConfigureAwait(false);
                }
                try
                {
                    await to.WriteChunkAsync(buffer, read).ConfigureAwait(false);
                }
                catch (Exception ex) when (TransportFailure.Is(ex))
                {
                    return CopyOutcome.SinkFailed;
                }
                counter.Value += read;
                if (fromClient)
                {
                    clock.TouchFromClient();
                }
                else
                {
                    clock.Touch();
                }
                if (read < chunk)
                {
                    // Drained: give the buffer back and wait again. A full read means more is
                    // likely queued (bulk), so the next read goes straight in with the same buffer.
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = null;
                }
            }
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static async Task<CopyOutcome> HalfCloseAsync(ConnectionEnd to)
    {
        try
        {
            await to.ShutdownWriteAsync().ConfigureAwait(false);
            return CopyOutcome.Eof;
        }
        catch (Exception ex) when (TransportFailure.Is(ex))
        {
            return CopyOutcome.SinkFailed;
        }
    }

    private sealed class ByteCounter
    {
        public long Value;
    }
}
