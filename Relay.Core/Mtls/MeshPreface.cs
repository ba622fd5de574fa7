namespace Relay.Core.Mtls;

/// <summary>
/// The first bytes inside every relay/1 TLS session, sent by the calling Relay only after it has
/// verified the server's identity. On Linux, SslStream validates the server certificate after
/// the handshake has completed, so the server side cannot tell from the handshake alone whether
/// the caller accepted it; the server dials the local app only once the preface arrives, so a
/// caller that rejects the server never causes a connection to the app.
/// </summary>
internal static class MeshPreface
{
    // "RLY1": protocol magic + version. Four bytes keep it inside the client's first TLS record.
    private static readonly byte[] Magic = "RLY1"u8.ToArray();

    public static int Length => Magic.Length;

    public static ValueTask WriteAsync(Stream stream, CancellationToken cancellationToken) =>
        stream.WriteAsync(Magic, cancellationToken);

    /// <summary>Reads exactly the preface; false if the peer closed, stalled past the token, or sent anything else.</summary>
    public static async Task<bool> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[Magic.Length];
        try
        {
            await stream.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            return false;
        }
        return buffer.AsSpan().SequenceEqual(Magic);
    }
}
