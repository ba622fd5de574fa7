using System.Buffers;
using System.Net.Sockets;

namespace Relay.Core.Http;

/// <summary>
/// After Kestrel's last response on a connection (a 400/414/431 included): send FIN, then read and
/// discard what the client still sends, so that closing a socket with unread input does not turn
/// into a TCP RST that destroys the response before the client reads it (nginx's lingering_close;
/// Kestrel's own socket transport is not in this path). Bounded in time and bytes.
/// </summary>
internal static class LingeringClose
{
    // nginx's lingering_timeout is 5 s between reads and lingering_time 30 s in all; a proxy in
    // the data path waits less: a client that read its response closes within milliseconds.
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(2);

    // Enough to swallow a rejected request's remaining headers (Kestrel's 32 KiB header limit) many times over.
    private const int MaxDiscard = 256 * 1024;

    public static async Task RunAsync(Socket client)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        using var deadline = new CancellationTokenSource(Limit);
        try
        {
            client.Shutdown(SocketShutdown.Send);
            var discarded = 0;
            while (discarded < MaxDiscard)
            {
                var n = await client.ReceiveAsync(buffer, SocketFlags.None, deadline.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    return;
                }
                discarded += n;
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The client reset or stayed silent: nothing more to protect.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
