using System.Net.Http;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Relay.Core.Http;

/// <summary>
/// Between Relays every request travels as HTTP/2 (relay/h2); the calling Relay names an
/// HTTP/1.x client's version in <see cref="Header"/>, and the serving Relay sends the request to
/// its app in that version, so an HTTP/1.1 client and an HTTP/1.1 server see HTTP/1.1 at both
/// ends. Linkerd does the same with <c>l5d-orig-proto</c>. The header is trusted only from a peer
/// Relay (relay/h2, mutual TLS) and is removed from every other request, so an app cannot steer it.
/// </summary>
internal static class OriginalProtocol
{
    public const string Header = "x-relay-orig-proto";

    public const string Http11 = "HTTP/1.1";

    /// <summary>Removes the header; returns true when a peer Relay said the client spoke HTTP/1.1.</summary>
    public static bool Take(IHeaderDictionary headers, bool fromPeerRelay)
    {
        if (!headers.Remove(Header, out var value))
        {
            return false;
        }
        return fromPeerRelay && string.Equals(value.ToString(), Http11, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Copies the request as every forwarded request is (<see cref="VerbatimTarget"/>), then names the client's HTTP/1.1 for the peer Relay.</summary>
    public static readonly HttpTransformer MarkHttp11 = new Marking();

    private sealed class Marking : VerbatimTarget.Transformer
    {
        public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
        {
            await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken).ConfigureAwait(false);
            proxyRequest.Headers.TryAddWithoutValidation(Header, Http11);
        }
    }
}
