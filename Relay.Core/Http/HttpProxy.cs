using System.Net.Security;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Relay.Core.Connections;
using Relay.Core.Mtls;
using Relay.Core.Vocabulary;

namespace Relay.Core.Http;

/// <summary>
/// The L7 path for one connection: hand the client side to Kestrel (<see cref="HttpServer"/>) with
/// what the earlier stages learned, wait until Kestrel is done with it, and return the
/// connection's close reason. Requests are forwarded and recorded one by one inside.
/// </summary>
internal sealed class HttpProxy(HttpServer server)
{
    /// <summary>
    /// Which targets the L7 path serves: an outbound service (over plaintext to the app, or over
    /// relay/h2 to the peer Relays of a mesh service) and an inbound port. Passthrough (no service)
    /// stays TCP.
    /// </summary>
    public static bool Serves(UpstreamTarget target) => target.Cluster is not null || target.InboundPort is not null;

    public async Task<CloseReason> ServeAsync(
        Socket client, SecuredStream clientSide, ProxyProtocol protocol, UpstreamTarget target, ActiveConnection connection, ConnectionRecord record)
    {
        var feature = new RelayConnectionFeature(connection.Direction, record.Destination!.Value, target, clientSide.Tls, protocol)
        {
            MeshSession = clientSide.MeshHttp2 ? (SslStream)clientSide.Stream! : null,
            MeshCredentials = clientSide.Credentials,
        };
        var context = new RelayConnectionContext(connection.Id, client, clientSide.Stream!, connection.Activity, feature);
        connection.OnAbort(() => context.Abort(new ConnectionAbortedException("relay: connection stopped")));
        // Kestrel sets its lifetime feature on the context when it takes the connection up: its
        // RequestClose sends GOAWAY (HTTP/2) or ends keep-alive (HTTP/1.1) for this connection alone.
        connection.OnCloseRequest(() => context.Features.Get<IConnectionLifetimeNotificationFeature>()?.RequestClose());
        connection.IdleTimeout = server.IdleBackstop(connection.IdleTimeout);
        var clean = await server.ServeAsync(protocol, context).ConfigureAwait(false);
        if (clean == true)
        {
            await LingeringClose.RunAsync(client).ConfigureAwait(false);
        }
        record.BytesToUpstream = context.Stream.BytesRead;
        record.BytesToClient = context.Stream.BytesWritten;
        return connection.AbortReason ?? clean switch
        {
            // A clean close can still be Kestrel refusing the client (408 slowloris, 431, 400).
            true => context.EndReason.Reason ?? CloseReason.Completed,
            false => context.Failure(feature.LastFailure) ?? CloseReason.ClientProtocolError,
            // Kestrel is stopping (drain): the connection arrived after its endpoints unbound.
            null => CloseReason.DrainDeadline,
        };
    }
}
