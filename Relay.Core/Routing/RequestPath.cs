using System.Text;

namespace Relay.Core.Routing;

/// <summary>
/// The one normalisation of a request path that every path rule sees (a service's routes and an
/// inbound port's authorization routes, InboundAuthorizer), so two rules can never disagree on what a path is. From the raw request
/// target, in one pass each: percent-decode once (so <c>%2F</c> is a '/' and <c>%252F</c> is the
/// text "%2F", never decoded twice; hex digits in either case), merge runs of '/', remove dot
/// segments (RFC 3986 §5.2.4), drop the query. Case is kept: paths are case-sensitive (RFC 3986
/// §6.2.2.1), so a rule for /admin does not match /Admin, as in Envoy and Istio. Envoy's
/// normalize_path + merge_slashes + path_with_escaped_slashes_action UNESCAPE are the model.
/// The request is forwarded with its target as sent (Http/VerbatimTarget); only matching uses this form.
/// </summary>
public static class RequestPath
{
    /// <summary>The normalised path of a raw request target (origin-form, absolute-form or '*').</summary>
    public static string Normalize(string rawTarget)
    {
        var path = PathOf(rawTarget);
        var decoded = Decode(path);
        return RemoveDotSegments(MergeSlashes(decoded));
    }

    private static string PathOf(string target)
    {
        var query = target.IndexOfAny(['?', '#']);
        var path = query < 0 ? target : target[..query];
        var scheme = path.IndexOf("://", StringComparison.Ordinal);
        if (scheme > 0 && !path.StartsWith('/'))
        {
            // absolute-form: http://host:port/path
            var slash = path.IndexOf('/', scheme + 3);
            path = slash < 0 ? "/" : path[slash..];
        }
        return path.StartsWith('/') ? path : "/" + path;
    }

    private static string Decode(string path)
    {
        if (!path.Contains('%'))
        {
            return path;
        }
        var bytes = new List<byte>(path.Length);
        for (var i = 0; i < path.Length; i++)
        {
            if (path[i] == '%' && i + 2 < path.Length && Uri.IsHexDigit(path[i + 1]) && Uri.IsHexDigit(path[i + 2]))
            {
                bytes.Add((byte)((Uri.FromHex(path[i + 1]) << 4) | Uri.FromHex(path[i + 2])));
                i += 2;
                continue;
            }
            bytes.AddRange(Encoding.UTF8.GetBytes(path[i].ToString()));
        }
        // Invalid UTF-8 becomes U+FFFD: it can then match no literal rule, only a regex that allows it.
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static string MergeSlashes(string path)
    {
        if (!path.Contains("//", StringComparison.Ordinal))
        {
            return path;
        }
        var builder = new StringBuilder(path.Length);
        foreach (var c in path)
        {
            if (c != '/' || builder.Length == 0 || builder[^1] != '/')
            {
                builder.Append(c);
            }
        }
        return builder.ToString();
    }

    /// <summary>RFC 3986 §5.2.4 on a path that starts with '/' and has no empty segments.</summary>
    private static string RemoveDotSegments(string path)
    {
        if (!path.Contains("/.", StringComparison.Ordinal))
        {
            return path;
        }
        var segments = new List<string>();
        var parts = path.Split('/');
        for (var i = 1; i < parts.Length; i++)
        {
            var part = parts[i];
            var last = i == parts.Length - 1;
            if (part == ".." && segments.Count > 0)
            {
                segments.RemoveAt(segments.Count - 1);
            }
            if (part is "." or "..")
            {
                // "/a/." and "/a/b/.." keep the trailing slash of the directory they name.
                if (last)
                {
                    segments.Add("");
                }
                continue;
            }
            segments.Add(part);
        }
        return "/" + string.Join('/', segments);
    }
}
