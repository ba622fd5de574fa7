using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Relay.Core.Vocabulary;

namespace Relay.Core.Http;

/// <summary>
/// HTTP/1.1 requests whose body length is ambiguous: Content-Length and Transfer-Encoding together,
/// the request-smuggling shape (RFC 9112 §6.3: "ought to be handled as an error"; §6.1 lets a
/// server reject it). Kestrel accepts it by the letter of RFC 9112 (Transfer-Encoding wins, no
/// keep-alive) and hides the Content-Length as <c>X-Content-Length</c>; Relay refuses it with a
/// 400 and a close, as Envoy and HAProxy do by default, so no upstream behind Relay ever sees a
/// request another hop could frame differently. Kestrel parsed the headers: this is a lookup,
/// not a parser.
/// </summary>
internal static class RequestFraming
{
    /// <summary>The header Kestrel moves the Content-Length of a CL+TE request to (Http1MessageBody.For).</summary>
    public const string KestrelMovedContentLength = "X-Content-Length";

    /// <summary>
    /// Answers 400 with <c>Connection: close</c> when the request carried both framings and
    /// returns the reason; null for every other request. A request with Transfer-Encoding and an
    /// X-Content-Length of its own is refused too: the two cannot be told apart, and no client
    /// needs to send that.
    /// </summary>
    public static CloseReason? Refuse(HttpContext context)
    {
        var headers = context.Request.Headers;
        if (!headers.ContainsKey(HeaderNames.TransferEncoding) || !headers.ContainsKey(KestrelMovedContentLength))
        {
            return null;
        }
        HttpErrors.Refuse(context, CloseReason.AmbiguousRequestFraming);
        context.Response.Headers.Connection = "close";
        return CloseReason.AmbiguousRequestFraming;
    }
}
