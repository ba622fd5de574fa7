using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Relay.Core.Http;

/// <summary>
/// The bounded request-body buffer behind retries and mirroring. A body Relay can keep is read
/// into memory before the first attempt, so each attempt (and a mirrored copy) sends it again
/// from the start; any other body streams through once, as before, and its request is neither
/// retried nor mirrored. Kept: a declared Content-Length of at most <see cref="Limit"/>. Not
/// kept: larger bodies, and bodies of unknown length (chunked HTTP/1.1, HTTP/2 without
/// content-length), which would have to be read to the end before Relay knew.
/// </summary>
internal static class RequestBodyBuffer
{
    /// <summary>64 KiB: Linkerd's limit on bodies it buffers to retry (linkerd2-proxy's replay body, 64 KiB); Envoy's per_request_buffer_limit plays the same part.</summary>
    public const int Limit = 64 * 1024;

    /// <summary>Whether a request has a body at all (Kestrel's view: Content-Length above 0, chunked, or an HTTP/2 DATA frame to come).</summary>
    public static bool HasBody(HttpContext context) =>
        context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: true } && context.Request.ContentLength is not 0;

    /// <summary>
    /// Reads a body that fits into memory and makes <c>Request.Body</c> a stream over it that
    /// <see cref="Rewind"/> starts again; null when there is no body or it does not fit (it then streams).
    /// </summary>
    public static async Task<byte[]?> TryKeepAsync(HttpContext context, CancellationToken cancellationToken)
    {
        if (!HasBody(context) || context.Request.ContentLength is not (> 0 and <= Limit) || context.Request.ContentLength is not { } length)
        {
            return null;
        }
        var bytes = new byte[length];
        await context.Request.Body.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
        context.Request.Body = new MemoryStream(bytes, writable: false);
        return bytes;
    }

    /// <summary>Before a resend: the kept body starts again from its first byte.</summary>
    public static void Rewind(HttpContext context)
    {
        if (context.Request.Body is MemoryStream kept)
        {
            kept.Position = 0;
        }
    }
}
