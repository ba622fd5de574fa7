namespace Relay.Bench.Load;

/// <summary>
/// Sorts perf's DSO names into the few groups that answer "where does a proxy's time go": the
/// kernel, OpenSSL, libc, the proxy's own code (JIT'd or precompiled .NET, or the haproxy binary),
/// the .NET runtime around it, and the JIT compiler itself (non-zero means not yet warm).
/// </summary>
internal static class DsoGroups
{
    public const string Kernel = "kernel";
    public const string OpenSsl = "OpenSSL";
    public const string Libc = "libc";
    public const string ProxyCode = "proxy code";
    public const string Runtime = ".NET runtime";
    public const string JitCompiler = "JIT compiler";
    public const string Other = "other";

    /// <summary>Report order.</summary>
    public static readonly string[] All = [Kernel, OpenSsl, Libc, ProxyCode, Runtime, JitCompiler, Other];

    public static string Of(string dso) => dso switch
    {
        _ when dso.StartsWith("[kernel", StringComparison.Ordinal) => Kernel,
        _ when dso.StartsWith("libssl", StringComparison.Ordinal) || dso.StartsWith("libcrypto", StringComparison.Ordinal) => OpenSsl,
        _ when dso.StartsWith("libc.so", StringComparison.Ordinal) || dso.StartsWith("libc-", StringComparison.Ordinal) => Libc,
        _ when dso.StartsWith("libclrjit", StringComparison.Ordinal) => JitCompiler,
        // libcoreclr (GC, stubs, type system) and the runtime's native shims (libSystem.Native and kin).
        _ when dso.StartsWith("libcoreclr", StringComparison.Ordinal) || dso.StartsWith("libSystem.", StringComparison.Ordinal) => Runtime,
        // JIT'd code lives in anonymous or double-mapped memory ([JIT] with a perf map, memfd:doublemapper
        // or [unknown] without one); precompiled (ReadyToRun) code is inside the mapped .dll images.
        _ when dso.StartsWith("[JIT]", StringComparison.Ordinal) || dso.StartsWith("memfd:doublemapper", StringComparison.Ordinal)
            || dso.StartsWith("[unknown]", StringComparison.Ordinal) || dso.StartsWith("perf-", StringComparison.Ordinal)
            // The NativeAOT executable (the shipped build) holds Relay's code, the framework's and the
            // runtime's (GC, type system) in one file: all of it counts as the proxy's own code here.
            || dso.EndsWith(".dll", StringComparison.Ordinal) || dso is "haproxy" or "relay" => ProxyCode,
        _ => Other,
    };
}
