using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;
using Relay.Core.Vocabulary;

namespace Relay.Core.Http;

/// <summary>
/// Kestrel's transport, fed by Relay's own accept loop instead of a socket: Kestrel binds one
/// <see cref="HttpEndPoint"/> per protocol (HTTP/1.1 and HTTP/2 prior knowledge are separate
/// endpoints because Kestrel serves cleartext HTTP/2 only on an HTTP/2-only endpoint), and the
/// connection stage hands each detected connection to the endpoint of its protocol decision.
/// </summary>
internal sealed class RelayTransport : IConnectionListenerFactory
{
    private readonly Dictionary<ProxyProtocol, Listener> _listeners = new();
    private readonly Lock _lock = new();

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        var http = (HttpEndPoint)endpoint;
        var listener = new Listener(http);
        lock (_lock)
        {
            _listeners[http.Protocol] = listener;
        }
        return ValueTask.FromResult<IConnectionListener>(listener);
    }

    /// <summary>False when Kestrel has not bound (or has unbound) the endpoint: the server is stopping.</summary>
    public bool TryOffer(ProxyProtocol protocol, ConnectionContext connection)
    {
        Listener? listener;
        lock (_lock)
        {
            _listeners.TryGetValue(protocol, out listener);
        }
        return listener is not null && listener.Offer(connection);
    }

    private sealed class Listener(HttpEndPoint endpoint) : IConnectionListener
    {
        // Unbounded is safe: each entry is a connection Relay already admitted under
        // limits.max_connections, and Kestrel's accept loop takes them as fast as they come.
        private readonly Channel<ConnectionContext> _pending = Channel.CreateUnbounded<ConnectionContext>(
            new UnboundedChannelOptions { SingleReader = true });

        public EndPoint EndPoint { get; } = endpoint;

        public bool Offer(ConnectionContext connection) => _pending.Writer.TryWrite(connection);

        public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
        {
            try
            {
                return await _pending.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ChannelClosedException)
            {
                return null;
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }

        public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
        {
            _pending.Writer.TryComplete();
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            _pending.Writer.TryComplete();
            return ValueTask.CompletedTask;
        }
    }
}
