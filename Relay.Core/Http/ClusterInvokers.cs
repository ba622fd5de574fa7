using System.Collections.Concurrent;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using Relay.Core.Net;
using Relay.Core.Upstreams;

namespace Relay.Core.Http;

/// <summary>
/// The current <see cref="Invoker"/> of each upstream (an outbound service, or an inbound port's
/// local app): one SocketsHttpHandler each, YARP's model of one client per cluster, with one pool
/// per endpoint. Its ConnectCallback ignores DNS and dials the endpoint the request's prefix
/// names, with Relay's connect timeout and passive ejection, and for a mesh service runs mesh
/// mTLS with ALPN relay/h2 (<see cref="MeshHttpConnector"/>). An upstream whose spec changes
/// (reload, rotation) gets a new invoker; the old one retires when its last request ends.
/// </summary>
internal sealed class ClusterInvokers(IConnectAttemptSink recorder) : IDisposable
{
    /// <summary>
    /// Idle upstream connections close after 60 s: SocketsHttpHandler's default, which YARP's
    /// client factory keeps, and below nginx's 75 s keepalive_timeout and Kestrel's 130 s, so Relay
    /// normally closes an idle connection before the server does rather than reusing one it is closing.
    /// </summary>
    private static readonly TimeSpan PooledIdle = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<string, Invoker> _current = new(StringComparer.Ordinal);

    /// <summary>The invoker for <paramref name="spec"/>, with a hold taken for one request: call <see cref="Invoker.Exit"/> after it.</summary>
    public Invoker Enter(InvokerSpec spec)
    {
        while (true)
        {
            if (_current.TryGetValue(spec.Key, out var existing) && existing.Spec.SameAs(spec))
            {
                if (existing.TryEnter())
                {
                    return existing;
                }
                continue;
            }
            var created = Create(spec);
            var swapped = existing is null ? _current.TryAdd(spec.Key, created) : _current.TryUpdate(spec.Key, created, existing);
            if (!swapped)
            {
                // Another request built one first: use (or compare against) that one.
                created.Dispose();
                continue;
            }
            existing?.Retire();
            if (created.TryEnter())
            {
                return created;
            }
        }
    }

    private Invoker Create(InvokerSpec spec)
    {
        Invoker? invoker = null;
        var handler = new SocketsHttpHandler
        {
            // YARP's ForwarderHttpClientFactory settings: a proxy forwards what it gets, unchanged.
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ActivityHeadersPropagator = null,
            PooledConnectionIdleTimeout = PooledIdle,
            // HTTP/2: a second connection to an endpoint only once the first has the server's
            // SETTINGS_MAX_CONCURRENT_STREAMS in flight (100 between Relays: HttpServer).
            EnableMultipleHttp2Connections = true,
            ConnectCallback = (context, cancellationToken) => ConnectAsync(invoker!, Invoker.IndexOf(context.DnsEndPoint.Host), cancellationToken),
        };
        invoker = new Invoker(spec, new HttpMessageInvoker(handler, disposeHandler: true));
        return invoker;
    }

    private async ValueTask<Stream> ConnectAsync(Invoker invoker, int index, CancellationToken cancellationToken)
    {
        var spec = invoker.Spec;
        var endpoint = spec.Endpoints[index];
        // circuit_breakers.max_connections at L7: upstream connections of the service open at once
        // (Envoy's meaning for HTTP clusters). The slot is held until the pooled connection closes.
        var breakers = spec.Cluster?.Breakers;
        if (breakers is not null && !breakers.TryOpenConnection())
        {
            throw new UpstreamUnavailableException(Vocabulary.CloseReason.UpstreamOverflowConnections);
        }
        try
        {
            var stream = await OpenAsync(spec, endpoint, index, cancellationToken).ConfigureAwait(false);
            return breakers is null ? stream : new BreakerSlotStream(stream, breakers);
        }
        catch
        {
            breakers?.CloseConnection();
            throw;
        }
    }

    private async ValueTask<Stream> OpenAsync(InvokerSpec spec, NetEndpoint endpoint, int index, CancellationToken cancellationToken)
    {
        var connected = spec.Cluster is { } cluster
            ? await UpstreamConnector.ConnectAsync(cluster, [index], spec.ConnectTimeout, recorder, cancellationToken).ConfigureAwait(false)
            : await UpstreamConnector.ConnectAsync(endpoint, spec.ServiceName, spec.ConnectTimeout, recorder, cancellationToken).ConfigureAwait(false);
        if (connected.Socket is not { } socket)
        {
            throw new UpstreamUnavailableException(connected.Failure);
        }
        if (spec.Kind == InvokerKind.App)
        {
            return new NetworkStream(socket, ownsSocket: true);
        }
        var (stream, failure) = await MeshHttpConnector.SecureAsync(socket, endpoint, spec).ConfigureAwait(false);
        if (stream is null && TlsFailure.Is(failure))
        {
            spec.Cluster?.Report(index, EndpointOutcome.TlsFailed, Environment.TickCount64);
        }
        return stream ?? throw new UpstreamUnavailableException(failure);
    }

    public void Dispose()
    {
        foreach (var invoker in _current.Values)
        {
            invoker.Dispose();
        }
        _current.Clear();
    }
}
