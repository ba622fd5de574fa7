using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Relay.Core.Admin;

/// <summary>
/// GET /dashboard/events: Server-Sent Events, one /stats snapshot a second (the refresh of
/// `linkerd viz top`), until the browser goes away or the admin server stops. SSE rather than a
/// WebSocket: the admin port allows no upgrades (AdminLimits), and one-way is all the page needs.
/// </summary>
internal static class DashboardEvents
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    public static async Task StreamAsync(HttpContext context, Func<object?>? stats, JsonSerializerOptions json)
    {
        if (stats is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        // Ends with the page, or at once when the admin server stops (a drain, or a reload that
        // moves admin.address), rather than holding the stop for its 2 s grace.
        var stopping = context.RequestServices.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var aborted = linked.Token;
        try
        {
            using var timer = new PeriodicTimer(Interval);
            do
            {
                await context.Response.Body.WriteAsync(Event(stats(), json), aborted).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(aborted).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(aborted).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            // The page closed or the admin server is stopping: the stream just ends.
        }
    }

    /// <summary>One event: each line of the JSON as a <c>data:</c> line (SSE joins them with newlines).</summary>
    private static byte[] Event(object? value, JsonSerializerOptions json)
    {
        var text = value is null ? "null" : Encoding.UTF8.GetString(AdminJson.Serialize(value, json));
        var builder = new StringBuilder(text.Length + 64);
        foreach (var line in text.Split('\n'))
        {
            builder.Append("data: ").Append(line.TrimEnd('\r')).Append('\n');
        }
        return Encoding.UTF8.GetBytes(builder.Append('\n').ToString());
    }
}
