using System.Reflection;

namespace Relay.Daemon.Hosting;

/// <summary>The daemon's informational version, shown by <c>relay version</c> and the relay_build_info metric.</summary>
internal static class DaemonVersion
{
    public static string Value { get; } =
        typeof(DaemonVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
}
