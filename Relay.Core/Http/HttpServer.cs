using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Relay.Core.Config;
using Relay.Core.Connections;
using Relay.Core.Vocabulary;
using Yarp.ReverseProxy.Forwarder;

namespace Relay.Core.Http;

/// <summary>
/// Kestrel's HTTP/1.1 and HTTP/2 server over <see cref="RelayTransport"/>: every HTTP request is
/// parsed by Kestrel's strict parser under its limits (docs/http.md), none by Relay. Started on
/// the first HTTP connection, so a Relay that only carries TCP never builds it.
/// </summary>
/// <remarks>
/// Start and stop are serialised under one lock, and a stopped server never starts. Kestrel's
/// own start is not safe against a concurrent or earlier stop: its heartbeat thread is started
/// at the end of <c>Heartbeat.Start</c>, and <c>Heartbeat.Dispose</c> joins that thread only if
/// it is alive before disposing the event the thread waits on; a start after (or racing) the
/// dispose leaves the thread waiting on a disposed event, an unhandled ObjectDisposedException
/// that kills the process (seen in CI: a connection that reached ServeAsync while its Relay was
/// being disposed).
/// </remarks>
internal sealed class HttpServer : IAsyncDisposable
{
    private readonly RelayTransport _transport = new();
    private readonly ServiceProvider _services;
    private readonly KestrelServer _server;
    private readonly HttpForwarding _application;
    private readonly Lock _lifecycle = new();
    private Task? _started;
    private bool _stopping;

    public HttpServer(ClusterInvokers invokers, RequestRecorder recorder, ActiveConfigHolder config, ILoggerFactory loggerFactory)
    {
        var services = new ServiceCollection();
        services.AddSingleton(loggerFactory);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        services.AddHttpForwarder();
        _services = services.BuildServiceProvider();
        _application = new HttpForwarding(_services.GetRequiredService<IHttpForwarder>(), invokers, recorder, config);
        _server = new KestrelServer(Options.Create(KestrelOptions(_services)), _transport, loggerFactory);
    }

    /// <summary>
    /// Hands one connection to Kestrel and waits until Kestrel is done with it; false when it was
    /// aborted, null when the server is stopping (the connection was not taken).
    /// </summary>
    public async Task<bool?> ServeAsync(ProxyProtocol protocol, RelayConnectionContext connection)
    {
        if (Start() is not { } started)
        {
            return null;
        }
        await started.ConfigureAwait(false);
        connection.WriteGuard.Timeout = _server.Options.Limits.KeepAliveTimeout;
        if (!_transport.TryOffer(protocol, connection))
        {
            return null;
        }
        return !await connection.Closed.ConfigureAwait(false);
    }

    /// <summary>
    /// Applies the config's HTTP limits; called at start and by every config swap (reload, undo).
    /// Kestrel reads both timeouts from these options when it arms each timer (the header timeout
    /// when a request's first byte arrives, the keep-alive timeout when a request ends: Http1Connection,
    /// Http2Connection), so a reload applies to the next request on every connection, live ones
    /// included; a request already waiting keeps the timer it armed.
    /// </summary>
    public void Apply(LimitsSnapshot limits)
    {
        ApplyLimits(limits);
    }

    /// <summary>A swap's whole config: its limits, and the retry budgets it keeps (those of removed routes are dropped).</summary>
    public void Apply(ConfigSnapshot snapshot)
    {
        ApplyLimits(snapshot.Limits);
        _application.Retain(snapshot);
    }

    private void ApplyLimits(LimitsSnapshot limits)
    {
        _server.Options.Limits.RequestHeadersTimeout = limits.HttpRequestHeadersTimeout;
        _server.Options.Limits.KeepAliveTimeout = limits.HttpKeepAliveTimeout;
    }

    /// <summary>
    /// The L4 idle sweep's bound for a connection on the L7 path. HTTP has its own idle timers: the
    /// request's activity timeout (a 504 at the service's idle timeout), the keep-alive timeout
    /// between requests, the header timeout, the write-stall guard. Left at the service's idle
    /// timeout, the sweep races the 504 (both measure the same silence) and resets the client
    /// instead of answering it; twice the longer of the two HTTP timers keeps it as a backstop only.
    /// </summary>
    public TimeSpan IdleBackstop(TimeSpan serviceIdle) =>
        2 * (serviceIdle > _server.Options.Limits.KeepAliveTimeout ? serviceIdle : _server.Options.Limits.KeepAliveTimeout);

    /// <summary>Drain: GOAWAY on HTTP/2, Connection: close on HTTP/1.1, in-flight requests finish until the token fires.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Task? started;
        lock (_lifecycle)
        {
            _stopping = true;
            started = _started;
        }
        if (started is null)
        {
            return;
        }
        try
        {
            await started.ConfigureAwait(false);
        }
        catch (Exception) when (started.IsFaulted)
        {
            // The start failed and Kestrel disposed itself; the connection that started it saw why.
            return;
        }
        await _server.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The start task, begun by the first connection; null once stopping began.</summary>
    private Task? Start()
    {
        // Kestrel's StartAsync runs synchronously up to binding RelayTransport's endpoints (no I/O),
        // so holding the lock across it costs the first HTTP connection only.
        lock (_lifecycle)
        {
            return _stopping ? null : _started ??= _server.StartAsync(_application, CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(new CancellationToken(canceled: true)).ConfigureAwait(false);
        _server.Dispose();
        await _services.DisposeAsync().ConfigureAwait(false);
    }

    private static KestrelServerOptions KestrelOptions(IServiceProvider services)
    {
        // Kestrel's limits are its defaults (docs/http.md compares them with Envoy's and HAProxy's),
        // except the body size: a proxy streams bodies of any size, as Envoy and HAProxy do, and
        // Kestrel's 30 MB default would refuse uploads the app itself accepts.
        var options = new KestrelServerOptions { AddServerHeader = false, ApplicationServices = services };
        options.Limits.MaxRequestBodySize = null;
        // HTTP/2, from h2c apps and from peer Relays (relay/h2), set explicitly so docs/http.md can
        // cite them. 100 concurrent streams: Kestrel's default and RFC 9113's floor ("SHOULD NOT be
        // smaller than 100"); a calling Relay opens a second connection to the endpoint only when
        // 100 of its requests are in flight on the first. Flow-control windows: Kestrel's 96 KiB per
        // stream and 128 KiB per connection, which cap what one connection can make Relay buffer
        // for a slow app at 128 KiB, and still allow 128 KiB / 0.5 ms LAN RTT = 256 MB/s per
        // connection (Envoy's edge guidance is 64 KiB / 1 MiB for the same reason).
        options.Limits.Http2.MaxStreamsPerConnection = 100;
        options.Limits.Http2.InitialStreamWindowSize = 96 * 1024;
        options.Limits.Http2.InitialConnectionWindowSize = 128 * 1024;
        options.Listen(new HttpEndPoint(ProxyProtocol.Http1), listen => listen.Protocols = HttpProtocols.Http1);
        options.Listen(new HttpEndPoint(ProxyProtocol.Http2), listen => listen.Protocols = HttpProtocols.Http2);
        return options;
    }
}
