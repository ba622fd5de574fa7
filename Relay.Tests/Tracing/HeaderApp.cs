using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Relay.Tests.Support;

namespace Relay.Tests.Tracing;

/// <summary>The app behind the last Relay: answers 200 (or /fail: 500; /slow: 200 after <see cref="SlowFor"/>) and keeps each request's propagation headers.</summary>
internal sealed class HeaderApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<Dictionary<string, string>> _seen = [];

    private HeaderApp(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    /// <summary>How long /slow holds its answer: long enough for a test to reload meanwhile.</summary>
    public static readonly TimeSpan SlowFor = TimeSpan.FromSeconds(2);

    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    /// <summary>The trace headers of every request so far (traceparent, tracestate, b3, x-b3-*).</summary>
    public List<Dictionary<string, string>> Seen
    {
        get
        {
            lock (_seen)
            {
                return [.. _seen];
            }
        }
    }

    public static async Task<HeaderApp> StartAsync()
    {
        var port = FreePorts.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var headerApp = new HeaderApp(app, port);
        app.Run(async context =>
        {
            var headers = context.Request.Headers
                .Where(h => h.Key.StartsWith("x-b3-", StringComparison.OrdinalIgnoreCase) || h.Key.ToLowerInvariant() is "traceparent" or "tracestate" or "b3")
                .ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
            lock (headerApp._seen)
            {
                headerApp._seen.Add(headers);
            }
            if (context.Request.Path == "/slow")
            {
                await Task.Delay(SlowFor);
            }
            context.Response.StatusCode = context.Request.Path == "/fail" ? 500 : 200;
            await context.Response.WriteAsync("ok");
        });
        await app.StartAsync();
        return headerApp;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
