using Microsoft.AspNetCore.Http;
using Relay.Core.Vocabulary;
using Yarp.ReverseProxy.Forwarder;

namespace Relay.Core.Http;

/// <summary>
/// Turns a failed forward into Relay's answer. Before response headers: 503 when no endpoint could
/// be connected, 504 when the upstream went silent past the timeout, 502 when it reset or broke
/// the protocol, each with <see cref="Header"/> naming the reason (Envoy's x-envoy-* and
/// Linkerd's l5d-proxy-error play the same part). After headers YARP aborts the request, which
/// Kestrel turns into RST_STREAM (HTTP/2) or a reset connection (HTTP/1.1): never a truncated
/// body that looks complete.
/// </summary>
internal static class HttpErrors
{
    public const string Header = "x-relay-error";

    public static CloseReason Classify(ForwarderError error, Exception? exception) =>
        Unavailable(exception)?.Reason ?? error switch
        {
            ForwarderError.RequestTimedOut => CloseReason.UpstreamTimeout,
            ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.RequestBodyClient
                or ForwarderError.ResponseBodyCanceled or ForwarderError.ResponseBodyClient
                or ForwarderError.UpgradeRequestCanceled or ForwarderError.UpgradeRequestClient
                or ForwarderError.UpgradeResponseCanceled or ForwarderError.UpgradeResponseClient => CloseReason.ClientReset,
            _ => CloseReason.UpstreamReset,
        };

    public static int StatusFor(CloseReason reason) => reason switch
    {
        // No connection could be made (TCP, or the mesh handshake to the peer Relay): Envoy's 503
        // "upstream connect error or disconnect/reset before headers" covers TLS failures too.
        CloseReason.UpstreamConnectFailed or CloseReason.UpstreamConnectTimeout or CloseReason.NoHealthyEndpoint
            or CloseReason.TlsHandshakeFailed or CloseReason.TlsPeerIdentityRejected or CloseReason.TlsPeerCertificateInvalid
            or CloseReason.ResourceExhausted or CloseReason.UpstreamOverflowConnections
            or CloseReason.UpstreamOverflowRequests => StatusCodes.Status503ServiceUnavailable,
        CloseReason.PolicyDenied or CloseReason.StrictModePlaintextRefused
            or CloseReason.AuthzNoRoute or CloseReason.AuthzCallerDenied => StatusCodes.Status403Forbidden,
        CloseReason.UpstreamTimeout or CloseReason.RouteTimeout => StatusCodes.Status504GatewayTimeout,
        CloseReason.RateLimited => StatusCodes.Status429TooManyRequests,
        CloseReason.ClientReset or CloseReason.AmbiguousRequestFraming => StatusCodes.Status400BadRequest,
        _ => StatusCodes.Status502BadGateway,
    };

    /// <summary>Sets Relay's status and reason header when nothing has been sent yet; returns the reason.</summary>
    public static CloseReason Apply(HttpContext context, ForwarderError error)
    {
        var reason = Classify(error, context.GetForwarderErrorFeature()?.Exception);
        Refuse(context, reason);
        return reason;
    }

    public static void Refuse(HttpContext context, CloseReason reason) => Refuse(context, reason, StatusFor(reason));

    public static void Refuse(HttpContext context, CloseReason reason, int status)
    {
        if (context.Response.HasStarted)
        {
            return;
        }
        context.Response.StatusCode = status;
        context.Response.Headers[Header] = reason.Label();
    }

    /// <summary>
    /// True when the forward failed because no connection to the endpoint could be made (TCP
    /// connect or the mesh handshake): nothing of the request left Relay, so another endpoint may take it.
    /// </summary>
    public static bool IsConnectFailure(HttpContext context) =>
        Unavailable(context.GetForwarderErrorFeature()?.Exception) is { Reason: not (CloseReason.ResourceExhausted or CloseReason.UpstreamOverflowConnections) };

    /// <summary>
    /// True when Relay itself declined to connect (out of descriptors, or circuit_breakers.max_connections):
    /// says nothing about the endpoint, so passive health is not told and no other endpoint is tried.
    /// </summary>
    public static bool IsRelayRefusal(HttpContext context) =>
        Unavailable(context.GetForwarderErrorFeature()?.Exception) is { Reason: CloseReason.ResourceExhausted or CloseReason.UpstreamOverflowConnections };

    /// <summary>The ConnectCallback's failure in an exception chain: no connection to the endpoint could be made.</summary>
    private static UpstreamUnavailableException? Unavailable(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is UpstreamUnavailableException unavailable)
            {
                return unavailable;
            }
        }
        return null;
    }
}
