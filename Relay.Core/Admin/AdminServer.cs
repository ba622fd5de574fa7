using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Relay.Core.Net;

namespace Relay.Core.Admin;

/// <summary>
/// The admin HTTP server (/live, /ready, /metrics, /config, /clusters, /certs) on Kestrel,
/// bound to exactly one address (127.0.0.1:15000 by default; never a wildcard we pick).
/// </summary>
internal sealed class AdminServer : IAsyncDisposable
{
    /// <summary>Graceful stop waits this long for in-flight admin requests (all are sub-ms).</summary>
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(2);

    private readonly WebApplication _app;
    private int _stopped;

    private AdminServer(WebApplication app, NetEndpoint boundAddress)
    {
        _app = app;
        BoundAddress = boundAddress;
    }

    /// <summary>The address actually bound (the real port when 0 was asked for).</summary>
    public NetEndpoint BoundAddress { get; }

    /// <exception cref="AdminBindException">The address could not be bound.</exception>
    public static async Task<AdminServer> StartAsync(
        NetEndpoint address, AdminEndpoints endpoints, ILoggerFactory? loggerFactory, CancellationToken ct)
    {
        var app = Build(address, endpoints, loggerFactory ?? NullLoggerFactory.Instance);
        try
        {
            await app.StartAsync(ct).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new AdminBindException(address, ex);
        }
        return new AdminServer(app, ResolveBoundAddress(app, address));
    }

    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            using var timeout = new CancellationTokenSource(StopTimeout);
            await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    // CreateEmptyBuilder rather than CreateSlimBuilder: the slim builder reads appsettings*.json
    // (with a file watcher on the working directory) and ASPNETCORE_* variables, which could
    // change how the admin port behaves behind the config file's back. Nothing here needs them.
    private static WebApplication Build(NetEndpoint address, AdminEndpoints endpoints, ILoggerFactory loggerFactory)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "relay-admin" });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            AdminLimits.Apply(kestrel.Limits);
            kestrel.Listen(address.ToIPEndPoint());
        });
        builder.Services.AddRoutingCore();
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton<IHostLifetime, NoSignalHostLifetime>();
        var app = builder.Build();
        AdminRoutes.Map(app, endpoints);
        return app;
    }

    private static NetEndpoint ResolveBoundAddress(WebApplication app, NetEndpoint requested)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        var first = addresses?.FirstOrDefault();
        return first is not null && Uri.TryCreate(first, UriKind.Absolute, out var uri)
            ? new NetEndpoint(requested.Address, uri.Port)
            : requested;
    }
}
