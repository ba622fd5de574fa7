using System.Buffers;

namespace Relay.Core.Observability;

/// <summary>One scrape's UTF-8 exposition in a rented array: <see cref="Length"/> bytes of <see cref="Array"/>; dispose returns it to the pool.</summary>
internal readonly record struct ScrapeBuffer(byte[] Array, int Length) : IDisposable
{
    public ReadOnlyMemory<byte> Memory => Array.AsMemory(0, Length);

    public void Dispose() => ArrayPool<byte>.Shared.Return(Array);
}
