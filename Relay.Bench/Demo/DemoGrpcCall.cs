using Grpc.Core;
using Grpc.Net.Client;
using Relay.Bench.Demo.Grpc;

namespace Relay.Bench.Demo;

/// <summary>The demo's gRPC client on host A: one Greet call to an address on host B, as a plain app would make it.</summary>
internal static class DemoGrpcCall
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length != 2)
        {
            Console.Error.WriteLine("usage: Relay.Bench demo-grpc http://HOST:PORT NAME");
            return 2;
        }
        using var channel = GrpcChannel.ForAddress(args[0]);
        var client = new Greeter.GreeterClient(channel);
        try
        {
            using var call = client.GreetAsync(new Greeting { Text = args[1] }, deadline: DateTime.UtcNow.AddSeconds(10));
            var reply = await call.ResponseAsync;
            Console.WriteLine($"reply:  {reply.Text}");
            Console.WriteLine($"status: {call.GetStatus().StatusCode}");
            return 0;
        }
        catch (RpcException ex)
        {
            Console.WriteLine($"status: {ex.StatusCode} ({ex.Status.Detail})");
            return 1;
        }
    }
}
