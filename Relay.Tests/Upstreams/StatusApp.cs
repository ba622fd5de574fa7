using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using Relay.Tests.Support;

namespace Relay.Tests.Upstreams;

/// <summary>An HTTP/1.1 app on 127.0.0.1 that answers every request with <see cref="Status"/> (settable while it runs) and counts them.</summary>
internal sealed class StatusApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _served;

    private StatusApp(WebApplication app, int port, int status)
    {
        _app = app;
        Port = port;
        Status = status;
    }

    public int Port { get; }

    public volatile int Status;

    public int Served => Volatile.Read(ref _served);

    /// <summary>While set and not completed, every request waits for it before answering.</summary>
    public volatile TaskCompletionSource? Hold;

    private int _waiting;

    /// <summary>Requests waiting on <see cref="Hold"/> now.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    public static async Task<StatusApp> StartAsync(int status)
    {
        var port = FreePorts.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http1));
        var app = builder.Build();
        var served = new StatusApp(app, port, status);
        app.Run(async context =>
        {
            if (served.Hold is { } hold)
            {
                Interlocked.Increment(ref served._waiting);
                await hold.Task;
                Interlocked.Decrement(ref served._waiting);
            }
            Interlocked.Increment(ref served._served);
            context.Response.StatusCode = served.Status;
            await context.Response.WriteAsync($"status {served.Status} from {port}");
        });
        await app.StartAsync();
        return served;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
