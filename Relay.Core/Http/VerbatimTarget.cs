using System.Net.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Forwarder;

namespace Relay.Core.Http;

/// <summary>
/// The upstream request's path and query as the client wrote them. Kestrel hands the app a
/// decoded path in which only <c>%2F</c> stays encoded, as the three characters "%2F"; YARP
/// escapes that '%', so <c>/a%2Fb</c> would reach the app as <c>/a%252Fb</c>, another resource
/// (dotnet/yarp#1419). A transparent proxy must not rewrite the target (Linkerd forwards it
/// untouched; Envoy's default path_with_escaped_slashes_action is KEEP_UNCHANGED), so a target
/// with a percent-encoding is sent verbatim. Targets with a dot segment (<c>/a/../b</c>, also
/// written <c>%2E%2E</c>) keep YARP's URI, built from Kestrel's path with the dots removed: what
/// the app then reads is what routing and authorization matched (RequestPath removes them too).
/// Targets without '%' are left as YARP built them: the same text.
/// </summary>
internal static class VerbatimTarget
{
    private static readonly UriCreationOptions Verbatim = new() { DangerousDisablePathAndQueryCanonicalization = true };

    /// <summary>The path and query to send for this request: the raw target's, when it is origin-form and sent verbatim (above); else null.</summary>
    public static string? PathAndQuery(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (raw is null || !raw.StartsWith('/') || !raw.Contains('%'))
        {
            return null;
        }
        var queryAt = raw.IndexOf('?');
        return HasDotSegment(queryAt < 0 ? raw : raw[..queryAt]) ? null : raw;
    }

    /// <summary>The request URI for <paramref name="prefix"/> (an invoker's <c>http://eN.…</c>, no path) and this request's verbatim target, or null to keep YARP's.</summary>
    public static Uri? UriFor(string prefix, HttpContext context) =>
        PathAndQuery(context) is { } target ? new Uri(prefix.TrimEnd('/') + target, Verbatim) : null;

    /// <summary>A segment that is "." or ".." once %2E/%2e are read as '.', as Kestrel reads them before removing it.</summary>
    private static bool HasDotSegment(string path)
    {
        foreach (var range in path.AsSpan().Split('/'))
        {
            var segment = path.AsSpan(range);
            if (segment.Length is 0 or > 6)
            {
                continue;
            }
            var dots = 0;
            var other = false;
            for (var i = 0; i < segment.Length; i++)
            {
                if (segment[i] == '.')
                {
                    dots++;
                }
                else if (segment[i] == '%' && i + 2 < segment.Length && segment[i + 1] == '2' && segment[i + 2] is 'E' or 'e')
                {
                    dots++;
                    i += 2;
                }
                else
                {
                    other = true;
                    break;
                }
            }
            if (!other && dots is 1 or 2)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>YARP's request copy, then the verbatim target where it applies (every forwarded request goes through this or a subclass).</summary>
    public class Transformer : HttpTransformer
    {
        public static readonly Transformer Instance = new();

        public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
        {
            await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken).ConfigureAwait(false);
            if (UriFor(destinationPrefix, httpContext) is { } uri)
            {
                proxyRequest.RequestUri = uri;
            }
        }
    }
}
