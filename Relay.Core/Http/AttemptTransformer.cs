using System.Globalization;
using System.Net.Http;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Relay.Core.Http;

/// <summary>
/// Wraps the request's transformer for a route with timeouts or retries. At response headers it
/// stops the per-try timer and, when the status is one the route retries and the budget allows,
/// holds the response back (returns false: YARP then copies neither headers nor body, its
/// documented way to let the caller retry) so the client never sees the failed attempt. Such a
/// retry counts against the service's circuit_breakers.max_retries like any other: past it the
/// response goes to the client as it is (Envoy counts it as upstream_rq_retry_overflow).
/// </summary>
internal sealed class AttemptTransformer(HttpTransformer inner, RouteAttempts attempts, Upstreams.CircuitBreakers? breakers = null) : HttpTransformer
{
    public override ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken) =>
        inner.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        attempts.HeadersReceived();
        if (proxyResponse is not null && attempts.CanRetry && attempts.RetriesStatus((int)proxyResponse.StatusCode, GrpcStatus(proxyResponse))
            && (breakers?.TryRetry() ?? true))
        {
            attempts.RetryWanted = true;
            attempts.HoldsRetrySlot = breakers is not null;
            proxyResponse.Dispose();
            return false;
        }
        return await inner.TransformResponseAsync(httpContext, proxyResponse, cancellationToken).ConfigureAwait(false);
    }

    public override ValueTask TransformResponseTrailersAsync(HttpContext httpContext, HttpResponseMessage proxyResponse, CancellationToken cancellationToken) =>
        inner.TransformResponseTrailersAsync(httpContext, proxyResponse, cancellationToken);

    /// <summary>A trailers-only gRPC response carries grpc-status in its headers; a status in real trailers comes too late to retry.</summary>
    private static int? GrpcStatus(HttpResponseMessage response) =>
        response.Headers.TryGetValues("grpc-status", out var values)
            && int.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var status)
            ? status
            : null;
}
