using System.IO.Pipelines;
using Pipelines.Sockets.Unofficial;

namespace Relay.Bench.Micro.Packages;

/// <summary>
/// The copier written the way Pipelines.Sockets.Unofficial is meant to be used: each socket
/// wrapped in a <see cref="SocketConnection"/> (its own receive and send loops over pipes), and
/// each direction one <c>PipeReader.CopyToAsync(PipeWriter)</c> from one connection's input
/// pipe into the other's output pipe. Completing an output pipe makes SocketConnection shut the
/// socket's send side, so FIN propagates like DuplexCopier's half-close.
/// </summary>
internal static class PipeSocketCopier
{
    public static async Task CopyAsync(SocketConnection client, SocketConnection upstream)
    {
        await Task.WhenAll(OneWayAsync(client.Input, upstream.Output), OneWayAsync(upstream.Input, client.Output)).ConfigureAwait(false);
    }

    private static async Task OneWayAsync(PipeReader from, PipeWriter to)
    {
        try
        {
            await from.CopyToAsync(to).ConfigureAwait(false);
        }
        finally
        {
            await to.CompleteAsync().ConfigureAwait(false);
            await from.CompleteAsync().ConfigureAwait(false);
        }
    }
}
