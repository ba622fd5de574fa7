using System.Net;
using System.Net.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Relay.Core.Config;
using Relay.Core.Connections;
using Relay.Core.Observability;

namespace Relay.Core.Http;

/// <summary>
/// A route's <c>mirror</c>: a share of its requests copied to a shadow backend, fire and forget,
/// as Envoy's request_mirror_policies and Gateway API's RequestMirror. The copy is built from
/// the request before the primary is forwarded and sent on its own task; its answer is read and
/// discarded. It never slows or fails the primary: at most <see cref="MaxInFlight"/> copies are
/// in flight (one more is dropped and counted, never queued), each ends after
/// <see cref="Timeout"/>, and a body is copied only when the body buffer kept it.
/// </summary>
internal sealed class RequestMirror(ClusterInvokers invokers, RouteMetrics metrics)
{
    /// <summary>Copies in flight per Relay; past it a copy is dropped. 64 keeps a hung shadow to 64 sockets and their buffers (Envoy leaves it to the shadow cluster's breakers, whose max_requests is 1024).</summary>
    public const int MaxInFlight = 64;

    /// <summary>Envoy's default route timeout (15 s), which its mirrored requests run under too.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    // RFC 9110 §7.6.1 connection-specific fields, and Host (set to the shadow's below).
    private static readonly HashSet<string> NotCopied = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Transfer-Encoding", "Upgrade", "TE", "Trailer", "Host",
    };

    private int _inFlight;

    /// <summary>Maybe copies the request (the route's percent); returns at once, whatever the shadow does.</summary>
    public void Send(HttpContext context, RouteMirror mirror, ActiveConfig active, string routedBy, byte[]? keptBody)
    {
        if (!(mirror.Percent >= 100 || (mirror.Percent > 0 && Random.Shared.NextDouble() * 100 < mirror.Percent)))
        {
            return;
        }
        var service = mirror.Backend.Service;
        if (RequestBodyBuffer.HasBody(context) && keptBody is null)
        {
            metrics.Mirrored(service, "body_not_kept");
            return;
        }
        if (Interlocked.Increment(ref _inFlight) > MaxInFlight)
        {
            Interlocked.Decrement(ref _inFlight);
            metrics.Mirrored(service, "dropped");
            return;
        }
        var routed = active.Snapshot.ServicesByName[routedBy];
        var target = TargetResolver.ForBackend(mirror.Backend, routed, active);
        var order = target.PickOrder();
        var invoker = invokers.Enter(InvokerSpec.ForService(target.Service!, target.Cluster!, active.Tls));
        var copy = Copy(context, invoker, order.Length > 0 ? order[0] : 0, keptBody);
        _ = Task.Run(() => SendAsync(copy, invoker, service));
    }

    private async Task SendAsync(HttpRequestMessage copy, Invoker invoker, string service)
    {
        try
        {
            using var deadline = new CancellationTokenSource(Timeout);
            using var response = await invoker.Client.SendAsync(copy, deadline.Token).ConfigureAwait(false);
            // Read and dropped, so the connection is reused; the shadow's answer reaches no one.
            await response.Content.CopyToAsync(Stream.Null, deadline.Token).ConfigureAwait(false);
            metrics.Mirrored(service, "sent");
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            metrics.Mirrored(service, "failed");
        }
        finally
        {
            copy.Dispose();
            invoker.Exit();
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private static HttpRequestMessage Copy(HttpContext context, Invoker invoker, int endpoint, byte[]? body)
    {
        var request = context.Request;
        var mesh = invoker.Spec.Kind == InvokerKind.Mesh;
        var prefix = invoker.Prefixes[endpoint];
        var target = VerbatimTarget.UriFor(prefix, context) ?? new Uri(prefix + request.Path.ToUriComponent() + request.QueryString.ToUriComponent());
        var copy = new HttpRequestMessage(new HttpMethod(request.Method), target)
        {
            // Between Relays HTTP/2 (relay/h2); to an app, HTTP/1.1, which every app speaks.
            Version = mesh ? HttpVersion.Version20 : HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        if (body is not null)
        {
            copy.Content = new ByteArrayContent(body);
        }
        foreach (var (name, values) in request.Headers)
        {
            if (NotCopied.Contains(name) || name.StartsWith(':'))
            {
                continue;
            }
            if (!copy.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                copy.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }
        copy.Headers.Host = ShadowHost(request.Host.Value ?? "");
        if (mesh && !HttpProtocol.IsHttp2(request.Protocol))
        {
            copy.Headers.TryAddWithoutValidation(OriginalProtocol.Header, "HTTP/1.1");
        }
        return copy;
    }

    /// <summary>Envoy's shadow host: "-shadow" after the host name, before any port (orders:8080 → orders-shadow:8080), so the shadow can tell copies apart.</summary>
    public static string ShadowHost(string host)
    {
        var colon = host.LastIndexOf(':');
        var bracket = host.LastIndexOf(']');
        return colon > bracket && colon > 0 ? host[..colon] + "-shadow" + host[colon..] : host + "-shadow";
    }
}
