using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Relay.Tests.Upstreams;

/// <summary>
/// An HTTP/1.1 app on 127.0.0.1 with a health path: <c>/healthz</c> answers <see cref="HealthStatus"/>
/// (settable while it runs), every other path 200. Counts both, and records the health checks' User-Agent.
/// </summary>
internal sealed class HealthApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _served;
    private int _checks;

    private HealthApp(WebApplication app) => _app = app;

    public int Port { get; private set; }

    public volatile int HealthStatus = 200;

    /// <summary>Requests to any path but /healthz (traffic).</summary>
    public int Served => Volatile.Read(ref _served);

    /// <summary>Requests to /healthz.</summary>
    public int Checks => Volatile.Read(ref _checks);

    public volatile string? LastCheckAgent;

    public static async Task<HealthApp> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http1));
        var app = builder.Build();
        var served = new HealthApp(app);
        app.Run(async context =>
        {
            if (context.Request.Path == "/healthz")
            {
                Interlocked.Increment(ref served._checks);
                served.LastCheckAgent = context.Request.Headers.UserAgent.ToString();
                context.Response.StatusCode = served.HealthStatus;
                return;
            }
            Interlocked.Increment(ref served._served);
            await context.Response.WriteAsync($"from {served.Port}");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        served.Port = new Uri(address).Port;
        return served;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
