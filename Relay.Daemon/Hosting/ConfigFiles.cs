using Relay.Core.Config;

namespace Relay.Daemon.Hosting;

/// <summary>Loads a config for a command, printing every error to stderr when it is invalid.</summary>
internal static class ConfigFiles
{
    public const string DefaultPath = "/etc/relay/mesh.yaml";

    public static ConfigSnapshot? LoadOrReport(string path, TextWriter errors)
    {
        var result = ConfigLoader.LoadFile(path);
        if (result.Snapshot is not null && result.Errors.Count == 0)
        {
            return result.Snapshot;
        }
        foreach (var error in result.Errors)
        {
            errors.WriteLine(error.ToString());
        }
        errors.WriteLine($"{path}: {result.Errors.Count} error(s); nothing applied");
        return null;
    }

    /// <summary>The loader shape the iptables command takes.</summary>
    public static (ConfigSnapshot?, IReadOnlyList<string>) Load(string path)
    {
        var result = ConfigLoader.LoadFile(path);
        return (result.Errors.Count == 0 ? result.Snapshot : null, result.Errors.Select(e => e.ToString()).ToList());
    }
}
