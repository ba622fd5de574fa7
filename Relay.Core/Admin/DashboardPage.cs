using Microsoft.AspNetCore.Http;

namespace Relay.Core.Admin;

/// <summary>
/// GET /dashboard: one HTML page with its script and style inline, embedded in the assembly
/// (Dashboard/dashboard.html): mesh hosts are often offline, so nothing comes from a CDN. It
/// reads /dashboard/events (live), and /config, /certs, /clusters every 5 s.
/// </summary>
internal static class DashboardPage
{
    private const string Resource = "Relay.Core.Admin.Dashboard.dashboard.html";

    private static readonly byte[] Html = Load();

    public static Task ServeAsync(HttpContext context)
    {
        context.Response.ContentType = "text/html; charset=utf-8";
        // The page only talks to its own origin: a script injected into a metric label could not call out.
        context.Response.Headers.ContentSecurityPolicy = "default-src 'self'; script-src 'unsafe-inline' 'self'; style-src 'unsafe-inline'";
        context.Response.ContentLength = Html.Length;
        return context.Response.Body.WriteAsync(Html, context.RequestAborted).AsTask();
    }

    private static byte[] Load()
    {
        using var stream = typeof(DashboardPage).Assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException($"{Resource} is not embedded");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
