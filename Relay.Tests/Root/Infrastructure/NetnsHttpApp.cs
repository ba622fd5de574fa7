using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Relay.Tests.Http;

namespace Relay.Tests.Root.Infrastructure;

/// <summary>
/// A real ASP.NET Core app inside a host namespace: Kestrel serves a listening socket created in
/// that namespace (ListenHandle), HTTP/1.1 or h2c. /proto answers the protocol it saw and the
/// x-request-id, /delay answers after 300 ms; with gRPC on, the echo.proto service. Counts requests.
/// </summary>
internal sealed class NetnsHttpApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;
    private int _inFlight;
    private int _maxConcurrent;

    private NetnsHttpApp(WebApplication app) => _app = app;

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>The most requests in flight at once.</summary>
    public int MaxConcurrent => Volatile.Read(ref _maxConcurrent);

    public static async Task<NetnsHttpApp> StartAsync(NetnsHost host, int port, HttpProtocols protocols, bool grpc = false)
    {
        var listener = host.Listen(port);
        var handle = (ulong)listener.SafeHandle.DangerousGetHandle();
        // Kestrel owns the descriptor from here; the Socket object must never close it too.
        listener.SafeHandle.SetHandleAsInvalid();
        GC.SuppressFinalize(listener);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (grpc)
        {
            builder.Services.AddGrpc();
        }
        builder.WebHost.UseKestrel(k => k.ListenHandle(handle, l => l.Protocols = protocols));
        var app = builder.Build();
        var served = new NetnsHttpApp(app);
        app.Use(async (context, next) =>
        {
            Interlocked.Increment(ref served._requests);
            var now = Interlocked.Increment(ref served._inFlight);
            for (var seen = served.MaxConcurrent; now > seen; seen = served.MaxConcurrent)
            {
                Interlocked.CompareExchange(ref served._maxConcurrent, now, seen);
            }
            try
            {
                await next(context);
            }
            finally
            {
                Interlocked.Decrement(ref served._inFlight);
            }
        });
        app.MapGet("/proto", (HttpContext c) => Results.Text($"{c.Request.Protocol} id={c.Request.Headers["x-request-id"]}"));
        app.MapGet("/delay", async () =>
        {
            await Task.Delay(300);
            return Results.Text("late");
        });
        if (grpc)
        {
            app.MapGrpcService<EchoService>();
        }
        await app.StartAsync();
        return served;
    }

    public async ValueTask DisposeAsync()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(deadline.Token);
        await _app.DisposeAsync();
    }
}
