using System.Security.Cryptography;

namespace Relay.Tests.Http;

/// <summary>
/// A deterministic body of any length, written block by block (64 KiB of seeded random bytes,
/// the first byte of each block its index), so both ends of a large transfer can compute its
/// SHA-256 without holding it, and reordering or duplication changes the hash.
/// </summary>
internal static class BodyPattern
{
    private const int BlockSize = 64 * 1024;

    private static readonly byte[] Block = MakeBlock();

    /// <summary>Writes <paramref name="length"/> bytes of the pattern to <paramref name="to"/>; returns their SHA-256 (hex).</summary>
    public static async Task<string> WriteAsync(Stream to, long length, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var block = (byte[])Block.Clone();
        for (long sent = 0, index = 0; sent < length; index++)
        {
            var size = (int)Math.Min(BlockSize, length - sent);
            block[0] = (byte)index;
            hash.AppendData(block, 0, size);
            await to.WriteAsync(block.AsMemory(0, size), cancellationToken);
            sent += size;
        }
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    /// <summary>The SHA-256 (hex) and length of everything <paramref name="from"/> yields.</summary>
    public static async Task<(string Sha256, long Length)> HashAsync(Stream from, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[BlockSize];
        long total = 0;
        int n;
        while ((n = await from.ReadAsync(buffer, cancellationToken)) > 0)
        {
            hash.AppendData(buffer, 0, n);
            total += n;
        }
        return (Convert.ToHexString(hash.GetHashAndReset()), total);
    }

    private static byte[] MakeBlock()
    {
        var block = new byte[BlockSize];
        new Random(7).NextBytes(block);
        return block;
    }
}
