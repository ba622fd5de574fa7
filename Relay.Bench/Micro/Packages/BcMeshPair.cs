using System.Collections.Immutable;
using Relay.Tls.Identity;

namespace Relay.Bench.Micro.Packages;

/// <summary>A loopback connection with both ends authenticated by BouncyCastle TLS; throws if either side refused the other.</summary>
internal static class BcMeshPair
{
    public static async Task<(BcTlsStream Client, BcTlsStream Server)> ConnectAsync(
        LoopbackSockets sockets, BcMeshCredentials client, BcMeshCredentials server, string targetHost,
        ImmutableArray<SpiffeId> serverIds, CancellationToken cancellationToken)
    {
        var (c, s) = await sockets.ConnectAsync(cancellationToken);
        var serverPeer = new BcMeshServer(server);
        var clientPeer = new BcMeshClient(client, targetHost, serverIds);
        var serverDone = BcTlsStream.AcceptAsync(s, serverPeer, cancellationToken);
        var clientStream = await BcTlsStream.ConnectAsync(c, clientPeer, cancellationToken);
        var serverStream = await serverDone;
        if (clientPeer.Peer?.PeerId?.ToString() != BenchPki.ServerId || serverPeer.Peer?.PeerId?.ToString() != BenchPki.ClientId)
        {
            throw new InvalidOperationException($"BouncyCastle handshake without the expected peers: client saw {clientPeer.Peer}, server saw {serverPeer.Peer}");
        }
        return (clientStream, serverStream);
    }
}
