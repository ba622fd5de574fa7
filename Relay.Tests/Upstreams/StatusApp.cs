using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Relay.Tests.Upstreams;

/// <summary>An HTTP/1.1 app on 127.0.0.1 that answers every request with <see cref="Status"/> (settable while it runs) and counts them.</summary>
internal sealed class StatusApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _served;

    private StatusApp(WebApplication app, int status)
    {
        _app = app;
        Status = status;
    }

    /// <summary>The port the kernel gave (bound as port 0, so no other test can be handed it in between).</summary>
    public int Port { get; private set; }

    public volatile int Status;

    public int Served => Volatile.Read(ref _served);

    /// <summary>While set and not completed, every request waits for it before answering.</summary>
    public volatile TaskCompletionSource? Hold;

    private int _waiting;

    /// <summary>Requests waiting on <see cref="Hold"/> now.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    public static async Task<StatusApp> StartAsync(int status)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http1));
        var app = builder.Build();
        var served = new StatusApp(app, status);
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
            await context.Response.WriteAsync($"status {served.Status} from {served.Port}");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        served.Port = new Uri(address).Port;
        return served;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
