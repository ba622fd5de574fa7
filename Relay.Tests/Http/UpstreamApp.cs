using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using Relay.Tests.Support;

namespace Relay.Tests.Http;

/// <summary>
/// An HTTP app on 127.0.0.1 for the L7 tests (ASP.NET Core on Kestrel), serving HTTP/1.1 or h2c:
/// /echo echoes the request body (streamed, so chunked when the request was), /hello answers
/// 1 KiB, /port answers the app's own port, /proto answers the protocol it saw, /delay answers after 300 ms, /abort dies after its headers and 1 kB of body, /count answers how many requests reached it,
/// /ws echoes WebSocket messages; /sha256, /pattern, /reset, /die and /slow serve the daemon tests (HttpDaemonTests). Every request is counted, so a test can compare what the
/// upstream saw with what the client was told.
/// </summary>
internal sealed class UpstreamApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;
    private int _inFlight;
    private int _maxConcurrent;

    private UpstreamApp(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>The most requests the app had in flight at once.</summary>
    public int MaxConcurrent => Volatile.Read(ref _maxConcurrent);

    public List<string> Paths { get; } = [];

    /// <summary>The request target of every request as it arrived on the wire (Kestrel's RawTarget: nothing decoded), in arrival order.</summary>
    public List<string> RawTargets { get; } = [];

    /// <summary>The Host header of every request, in arrival order (the mirroring tests look for "-shadow").</summary>
    public List<string> Hosts { get; } = [];

    /// <summary>The body length of every POST to /echo (the mirroring tests check a copied body).</summary>
    public List<long> EchoLengths { get; } = [];

    /// <summary>When above 0, every n-th request (of any path) is answered 503: 5 makes a 20 %-failing instance.</summary>
    public int FailEvery { get; set; }

    /// <summary>When true, every request is reset before any response header (the connection is aborted).</summary>
    public bool Reset { get; set; }

    /// <summary>When true, every request hangs until the caller gives up.</summary>
    public bool Hang { get; set; }

    public static async Task<UpstreamApp> StartAsync(HttpProtocols protocols = HttpProtocols.Http1)
    {
        var port = FreePorts.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            // No 30 MB cap: the daemon tests send 1 GiB bodies.
            k.Limits.MaxRequestBodySize = null;
            k.Listen(IPAddress.Loopback, port, l => l.Protocols = protocols);
        });
        var app = builder.Build();
        var upstream = new UpstreamApp(app, port);
        app.UseWebSockets();
        app.Use(async (context, next) =>
        {
            var number = Interlocked.Increment(ref upstream._requests);
            lock (upstream.Paths)
            {
                upstream.Paths.Add(context.Request.Path.Value ?? "");
                upstream.RawTargets.Add(context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget ?? "");
                upstream.Hosts.Add(context.Request.Host.Value ?? "");
                upstream._maxConcurrent = Math.Max(upstream._maxConcurrent, ++upstream._inFlight);
            }
            try
            {
                if (upstream.Hang)
                {
                    // A hung instance: accepts, reads, never answers (until the caller gives up).
                    await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                    return;
                }
                if (upstream.Reset)
                {
                    context.Abort();
                    return;
                }
                if (upstream.FailEvery > 0 && number % upstream.FailEvery == 0)
                {
                    context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                    return;
                }
                await next(context);
            }
            finally
            {
                lock (upstream.Paths)
                {
                    upstream._inFlight--;
                }
            }
        });
        app.MapPost("/echo", async context =>
        {
            context.Response.ContentType = "application/octet-stream";
            // Streamed (each read written back at once), and counted.
            var buffer = new byte[16 * 1024];
            long total = 0;
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer)) > 0)
            {
                total += read;
                await context.Response.Body.WriteAsync(buffer.AsMemory(0, read));
                await context.Response.Body.FlushAsync();
            }
            lock (upstream.Paths)
            {
                upstream.EchoLengths.Add(total);
            }
        });
        app.MapGet("/abort", async context =>
        {
            // Headers and part of a 100 kB body, then the upstream dies.
            context.Response.ContentLength = 100_000;
            await context.Response.Body.WriteAsync(new byte[1_000]);
            await context.Response.Body.FlushAsync();
            // Let the headers and the first bytes reach Relay's client first: an RST arriving with
            // them unread would discard them in the kernel and make this a before-headers failure.
            await Task.Delay(300);
            context.Abort();
        });
        app.MapGet("/hello", () => Results.Text(new string('x', 1024)));
        // Which app answered: the routing tests tell backends apart by it.
        app.MapGet("/port", () => Results.Text(port.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        // Large transfers: /sha256 hashes whatever body arrives, /pattern?bytes=N streams N pattern bytes (BodyPattern).
        app.MapPost("/sha256", async context =>
        {
            var (sha, length) = await BodyPattern.HashAsync(context.Request.Body, context.RequestAborted);
            await context.Response.WriteAsync($"{sha} {length}");
        });
        app.MapGet("/pattern", async context =>
        {
            var length = long.Parse(context.Request.Query["bytes"].ToString(), System.Globalization.CultureInfo.InvariantCulture);
            context.Response.ContentLength = length;
            context.Response.ContentType = "application/octet-stream";
            await BodyPattern.WriteAsync(context.Response.Body, length, context.RequestAborted);
        });
        // The kill matrix: /reset dies before any response header, /die after its headers and 1 kB.
        app.MapGet("/reset", context =>
        {
            context.Abort();
            return Task.CompletedTask;
        });
        app.MapGet("/die", async context =>
        {
            context.Response.ContentLength = 100_000;
            await context.Response.Body.WriteAsync(new byte[1_000]);
            await context.Response.Body.FlushAsync();
            // Long enough for the headers to reach Relay before the reset (see /abort), short enough for 1,000 rounds.
            await Task.Delay(30);
            context.Abort();
        });
        // Drain: /slow?ms=N answers "done" after N ms.
        app.MapGet("/slow", async context =>
        {
            await Task.Delay(int.Parse(context.Request.Query["ms"].ToString(), System.Globalization.CultureInfo.InvariantCulture));
            await context.Response.WriteAsync("done");
        });
        app.MapGet("/delay", async () =>
        {
            await Task.Delay(300);
            return Results.Text("late");
        });
        app.MapGet("/proto", (HttpContext c) => Results.Text($"{c.Request.Protocol} id={c.Request.Headers["x-request-id"]} host={c.Request.Host}"));
        app.MapGet("/ws", async context =>
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var buffer = new byte[4096];
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (received.MessageType == System.Net.WebSockets.WebSocketMessageType.Close)
                {
                    await socket.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                    return;
                }
                await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, CancellationToken.None);
            }
        });
        await app.StartAsync();
        return upstream;
    }

    public async ValueTask DisposeAsync()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(deadline.Token);
        await _app.DisposeAsync();
    }
}
