using System.Net;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Relay.Bench.Demo.Grpc;

namespace Relay.Bench.Demo;

/// <summary>
/// The demo's app on host B (demo.sh): HTTP/1.1 on one port, h2c and the gRPC Greeter on another.
/// <c>/</c> answers which protocol it saw; <c>/slow</c> answers after 500 ms, so the demo's
/// concurrent requests are in flight together. Each request is printed, as an app log would.
/// </summary>
internal static class DemoApp
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length != 2 || !int.TryParse(args[0], out var http1) || !int.TryParse(args[1], out var h2c))
        {
            Console.Error.WriteLine("usage: Relay.Bench demo-app HTTP1_PORT H2C_PORT");
            return 2;
        }
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddGrpc();
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(IPAddress.Any, http1, l => l.Protocols = HttpProtocols.Http1);
            k.Listen(IPAddress.Any, h2c, l => l.Protocols = HttpProtocols.Http2);
        });
        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            await next(context);
            Console.WriteLine($"app: {context.Request.Protocol} {context.Request.Method} {context.Request.Path} -> {context.Response.StatusCode}");
        });
        app.MapGet("/", (HttpContext c) => Results.Text($"hello from host B over {c.Request.Protocol}\n"));
        app.MapGet("/slow", async (HttpContext c) =>
        {
            await Task.Delay(500);
            return Results.Text($"slow hello over {c.Request.Protocol}\n");
        });
        app.MapGrpcService<GreeterService>();
        await app.RunAsync();
        return 0;
    }

    private sealed class GreeterService : Greeter.GreeterBase
    {
        public override Task<Greeting> Greet(Greeting request, ServerCallContext context) =>
            Task.FromResult(new Greeting { Text = $"hello {request.Text}, from host B's gRPC server" });
    }
}
