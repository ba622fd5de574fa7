namespace Relay.Tests.Root.Infrastructure;

/// <summary>
/// The Relay build the Root tests run: the NativeAOT executable (what install.sh ships), or, for a
/// developer's quick iteration with RELAY_ROOT_JIT=1, relay.dll under `dotnet`.
/// </summary>
internal sealed record RelayBinary(string Directory, bool IsNative)
{
    /// <summary>The file that is exec'd: relay (native) or relay.dll (run by dotnet).</summary>
    public string File => Path.Combine(Directory, IsNative ? "relay" : "relay.dll");

    /// <summary>/proc/PID/status Name of the daemon process (the pid the tests SIGTERM).</summary>
    public string ProcessName => IsNative ? "relay" : "dotnet";

    /// <summary>The argv that runs `relay <paramref name="args"/>`.</summary>
    public IReadOnlyList<string> Argv(params IEnumerable<string> args) =>
        (IsNative ? new[] { File } : ["dotnet", File]).Concat(args).ToArray();
}
