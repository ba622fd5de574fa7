using System.Runtime.InteropServices;
using SharpFuzz;

namespace Relay.Fuzz;

/// <summary>
/// <c>instrument DLL</c>: SharpFuzz's AFL instrumentation of the detector's types in a copy of Relay.Core.dll.
/// <c>run</c>: the fuzz target under afl-fuzz (persistent mode: one process, many inputs).
/// <c>replay FILE...</c>: the target once per file, outside AFL, to reproduce a crash.
/// <c>seeds DIR</c>: writes the seed corpus (how Relay.Fuzz/corpus/detect was made).
/// </summary>
internal static class Program
{
    /// <summary>Only the detect stage is instrumented: its branches are the coverage AFL steers by.</summary>
    internal const string InstrumentedNamespace = "Relay.Core.Detect.";

    // AFL's coverage map: 64 KiB, the size SharpFuzz's instrumentation indexes.
    private const int MapSize = 1 << 16;

    public static async Task<int> Main(string[] args)
    {
        switch (args)
        {
            case ["instrument", var dll]:
                return Instrument(dll);
            case ["run"]:
                Fuzzer.Run(DetectorTarget.Run);
                return 0;
            case ["replay", .. var files] when files.Length > 0:
                return Replay(files);
            case ["seeds", var dir]:
                await SeedCorpus.WriteAsync(dir);
                return 0;
            default:
                await Console.Error.WriteLineAsync("usage: Relay.Fuzz instrument DLL | run | replay FILE... | seeds DIR");
                return 2;
        }
    }

    private static int Instrument(string dll)
    {
        var types = Fuzzer.Instrument(dll, name => name.StartsWith(InstrumentedNamespace, StringComparison.Ordinal), Options.Value).ToList();
        types.ForEach(Console.WriteLine);
        return types.Count > 0 ? 0 : 1;
    }

    private static unsafe int Replay(string[] files)
    {
        // An instrumented Relay.Core writes coverage to this map; outside AFL nothing attached one.
        SharpFuzz.Common.Trace.SharedMem = (byte*)NativeMemory.AllocZeroed(MapSize);
        var failed = 0;
        foreach (var file in files)
        {
            try
            {
                using var input = File.OpenRead(file);
                DetectorTarget.Run(input);
                Console.WriteLine($"ok    {file}");
            }
            catch (Exception ex)
            {
                failed++;
                Console.WriteLine($"CRASH {file}: {ex}");
            }
        }
        return failed == 0 ? 0 : 1;
    }
}
