namespace Relay.Core.Transport;

/// <summary>
/// A sink that puts a header in front of every write (relay/2's MeshChannel). The copier reads
/// into its buffer <see cref="HeaderRoom"/> bytes in, so the sink writes its header into that
/// room and sends header and payload as one write, without copying the payload behind a header.
/// </summary>
internal interface IFramingSink
{
    /// <summary>Bytes the copier leaves free in front of each chunk.</summary>
    int HeaderRoom { get; }

    /// <summary>The largest payload one frame carries: the copier reads at most this much per chunk.</summary>
    int MaxPayload { get; }

    /// <summary>Writes one frame: <paramref name="frame"/> starts with <see cref="HeaderRoom"/> free bytes, then 1 to <see cref="MaxPayload"/> payload bytes.</summary>
    ValueTask WriteFramedAsync(Memory<byte> frame, CancellationToken cancellationToken);
}
