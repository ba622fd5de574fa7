using Relay.Core.Transport;

namespace Relay.Core.Mtls;

/// <summary>
/// The four bytes the calling Relay sends before each app connection it carries, and only after it
/// has verified the server's identity. On Linux, SslStream validates the server certificate after
/// the handshake has completed, so the server side cannot tell from the handshake alone whether
/// the caller accepted it; the server dials the local app only once a preface arrives, so a
/// caller that rejects the server never causes a connection to the app.
/// <c>RLY1</c> opens the one unframed stream of a relay/1 session; <c>RLY2</c> opens each framed
/// stream of a relay/2 session (<see cref="MeshChannel"/>).
/// </summary>
internal static class MeshPreface
{
    // Protocol magic + version. Four bytes keep it inside one small TLS record.
    private static readonly byte[] Magic = "RLY1"u8.ToArray();
    private static readonly byte[] FramedMagic = "RLY2"u8.ToArray();

    public static int Length => Magic.Length;

    public static ValueTask WriteAsync(Stream stream, CancellationToken cancellationToken) =>
        stream.WriteAsync(Magic, cancellationToken);

    public static ValueTask WriteFramedAsync(Stream stream, CancellationToken cancellationToken) =>
        stream.WriteAsync(FramedMagic, cancellationToken);

    /// <summary>Reads exactly the relay/1 preface; false if the peer closed, stalled past the token, or sent anything else.</summary>
    public static Task<bool> ReadAsync(Stream stream, CancellationToken cancellationToken) =>
        ReadAsync(stream, Magic, cancellationToken);

    /// <summary>Reads exactly the relay/2 stream preface; false as for <see cref="ReadAsync(Stream, CancellationToken)"/>.</summary>
    public static Task<bool> ReadFramedAsync(Stream stream, CancellationToken cancellationToken) =>
        ReadAsync(stream, FramedMagic, cancellationToken);

    private static async Task<bool> ReadAsync(Stream stream, byte[] magic, CancellationToken cancellationToken)
    {
        var buffer = new byte[magic.Length];
        try
        {
            await stream.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (TransportFailure.Is(ex))
        {
            return false;
        }
        return buffer.AsSpan().SequenceEqual(magic);
    }
}
