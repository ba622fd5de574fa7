using Relay.Bench.Load;
using Relay.Bench.Micro;

// Linux only: the load runner reads /proc, calls libc and drives nginx/haproxy/wrk.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace Relay.Bench;

public static class Program
{
    private const string Usage = """
        usage:
          Relay.Bench micro [--quick] [--out-of-process] [BenchmarkDotNet options, e.g. --filter '*Tls*']
          Relay.Bench load  [--quick] [--out DIR] [--relay PATH/relay|PATH/relay.dll] [--skip-haproxy]
          Relay.Bench tracing-cost [--rounds 30]        (tracing off vs sampling 0, 0.01, 1; interleaved rounds)
          Relay.Bench package-ab [--rounds 40]          (issue 16: SocketConnection vs DuplexCopier, BouncyCastle TLS vs SslStream; interleaved rounds)
          Relay.Bench balance [--rate 400] [--seconds 15] [--connections 32] [--base-port 19400] [--repeat 3]   (slow-endpoint scenario per load_balancing policy)
          Relay.Bench flood [--rounds 2] [--seconds 8] [--rate 200] [--hellos 10000] [--reconnects 1000] [--fresh 200] [--attacker-nice 0] [--attacker-cpu N] [--relay PATH] [--out FILE]   (issue 17 §2: stalled hellos vs mesh p99)
          Relay.Bench demo-app HTTP1_PORT H2C_PORT      (demo.sh: host B's HTTP/1.1, h2c and gRPC app)
          Relay.Bench demo-grpc http://HOST:PORT NAME   (demo.sh: host A's gRPC call)
        see docs/benchmarks.md
        """;

    public static async Task<int> Main(string[] args)
    {
        return args.FirstOrDefault() switch
        {
            "micro" => MicroRunner.Run(args[1..]),
            "load" => await LoadCommand.RunAsync(args[1..]),
            "tracing-cost" => await TracingCost.RunAsync(args[1..]),
            "package-ab" => await Micro.Packages.PackageAb.RunAsync(args[1..]),
            "balance" => await Balance.SlowEndpointScenario.RunAsync(args[1..]),
            "flood" => await Hostile.FloodScenario.RunAsync(args[1..]),
            Hostile.FloodAttacker.Command => await Hostile.FloodAttacker.RunAsync(args[1..]),
            "demo-app" => await Demo.DemoApp.RunAsync(args[1..]),
            "demo-grpc" => await Demo.DemoGrpcCall.RunAsync(args[1..]),
            _ => UsageError(),
        };
    }

    private static int UsageError()
    {
        Console.Error.WriteLine(Usage);
        return 2;
    }
}
