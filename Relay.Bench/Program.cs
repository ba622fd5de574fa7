using BenchmarkDotNet.Running;

namespace Relay.Bench;

public static class Program
{
    /// <summary>
    /// <c>dotnet run -c Release --project Relay.Bench -- micro [BenchmarkDotNet args]</c> runs the micro
    /// benchmarks (everything after "micro" goes to BenchmarkDotNet, e.g. --filter '*Copier*').
    /// </summary>
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "micro")
        {
            BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args[1..]);
            return 0;
        }
        Console.Error.WriteLine("usage: Relay.Bench micro [--filter PATTERN] [BenchmarkDotNet options]");
        return 2;
    }
}
