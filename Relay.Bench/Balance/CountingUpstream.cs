using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Relay.Bench.Balance;

/// <summary>An HTTP/1.1 app on 127.0.0.1 that answers 1 KiB after a fixed delay and counts what it served.</summary>
internal sealed class CountingUpstream(WebApplication app, int port) : IAsyncDisposable
{
    private static readonly byte[] Body = new byte[1024];

    private long _served;

    public int Port { get; } = port;

    public long Served => Interlocked.Read(ref _served);

    public static async Task<CountingUpstream> StartAsync(int port, TimeSpan delay)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http1));
        var app = builder.Build();
        var upstream = new CountingUpstream(app, port);
        app.Run(async context =>
        {
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay);
            }
            Interlocked.Increment(ref upstream._served);
            context.Response.ContentLength = Body.Length;
            await context.Response.Body.WriteAsync(Body);
        });
        await app.StartAsync();
        return upstream;
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
