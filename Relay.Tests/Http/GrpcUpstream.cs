using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Relay.Tests.Support;

namespace Relay.Tests.Http;

/// <summary>The gRPC tests' upstream: Grpc.AspNetCore serving echo.proto (<see cref="EchoService"/>) over h2c on 127.0.0.1.</summary>
internal static class GrpcUpstream
{
    public static async Task<(WebApplication App, int Port)> StartAsync()
    {
        var port = FreePorts.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddGrpc();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        app.MapGrpcService<EchoService>();
        await app.StartAsync();
        return (app, port);
    }
}
