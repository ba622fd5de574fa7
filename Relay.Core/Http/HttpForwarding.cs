using System.Diagnostics;
using System.Net;
using System.Net.Http;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Relay.Core.Vocabulary;
using Yarp.ReverseProxy.Forwarder;

namespace Relay.Core.Http;

/// <summary>
/// Kestrel's application: every request Kestrel parsed is forwarded with YARP's
/// <see cref="IHttpForwarder"/> (hop-by-hop headers, Upgrade/WebSocket, 100-continue, trailers,
/// cancellation) through the cluster's invoker, in the client's own HTTP version, and recorded once.
/// </summary>
internal sealed class HttpForwarding(IHttpForwarder forwarder, ClusterInvokers invokers, RequestRecorder recorder) : IHttpApplication<HttpContext>
{
    public const string RequestIdHeader = "x-request-id";

    public HttpContext CreateContext(IFeatureCollection contextFeatures) => new DefaultHttpContext(contextFeatures);

    public void DisposeContext(HttpContext context, Exception? exception)
    {
    }

    public async Task ProcessRequestAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var relay = context.Features.Get<RelayConnectionFeature>()!;
        var requestId = EnsureRequestId(context.Request.Headers);
        var requestBody = new CountingStream(context.Request.Body);
        var responseBody = new CountingStream(context.Response.Body);
        context.Request.Body = requestBody;
        context.Response.Body = responseBody;
        CloseReason? failure = RequestFraming.Refuse(context);
        if (failure is not null)
        {
            // Refused before forwarding (400 + close): nothing reaches the upstream.
        }
        else if (relay.Target.Cluster is not { } cluster)
        {
            failure = CloseReason.NoHealthyEndpoint;
            HttpErrors.Refuse(context, failure.Value);
        }
        else
        {
            var invoker = invokers.For(cluster);
            var error = await forwarder.SendAsync(context, invoker.Prefix, invoker.Client, RequestConfig(relay), HttpTransformer.Empty).ConfigureAwait(false);
            failure = error == ForwarderError.None ? null : HttpErrors.Apply(context, error);
        }
        relay.LastFailure = failure ?? relay.LastFailure;
        recorder.Completed(new RequestRecord(
            relay.Direction, relay.Target.ServiceName ?? "-", context.Request.Method, context.Request.Host.Value ?? "-",
            context.Request.Path.Value ?? "/", context.Request.Protocol, context.Response.StatusCode, started,
            requestBody.BytesRead, responseBody.BytesWritten, relay.Peer?.Peer.ToString(), requestId, failure?.Label()));
    }

    /// <summary>
    /// Apps keep their own protocol: an HTTP/1.1 client's request goes upstream as HTTP/1.1, an h2c
    /// client's as HTTP/2 with prior knowledge (Exact: never a silent downgrade). The activity
    /// timeout (no bytes either way) is the target's idle timeout, as for an L4 connection.
    /// </summary>
    private static ForwarderRequestConfig RequestConfig(RelayConnectionFeature relay) => new()
    {
        Version = relay.Protocol == ProxyProtocol.Http2 ? HttpVersion.Version20 : HttpVersion.Version11,
        VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        ActivityTimeout = relay.Target.IdleTimeout,
    };

    /// <summary>Keeps the caller's x-request-id; generates one (a UUID, like Envoy's) when absent.</summary>
    private static string EnsureRequestId(IHeaderDictionary headers)
    {
        var existing = headers[RequestIdHeader].ToString();
        if (existing.Length > 0)
        {
            return existing;
        }
        var generated = Guid.NewGuid().ToString();
        headers[RequestIdHeader] = generated;
        return generated;
    }
}
