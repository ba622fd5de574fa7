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
        see docs/benchmarks.md
        """;

    public static async Task<int> Main(string[] args)
    {
        return args.FirstOrDefault() switch
        {
            "micro" => MicroRunner.Run(args[1..]),
            "load" => await LoadCommand.RunAsync(args[1..]),
            _ => UsageError(),
        };
    }

    private static int UsageError()
    {
        Console.Error.WriteLine(Usage);
        return 2;
    }
}
