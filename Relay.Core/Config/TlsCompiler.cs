namespace Relay.Core.Config;

/// <summary>tls → <see cref="TlsSnapshot"/>; relative paths are taken from mesh.yaml's directory.</summary>
internal static class TlsCompiler
{
    public static TlsSnapshot? Compile(TlsConfig? tls, string sourcePath)
    {
        if (tls is null)
        {
            return null;
        }
        // The daemon's working directory is "/" under systemd, so a path relative to it would
        // surprise; relative to the config file is what "next to mesh.yaml" means to a reader.
        var baseDirectory = Path.GetDirectoryName(Path.GetFullPath(sourcePath)) ?? "/";
        string Resolve(Located<string>? path) => Path.GetFullPath(ConfigCompiler.Required(path).Value, baseDirectory);
        return new TlsSnapshot(
            Resolve(tls.Cert),
            Resolve(tls.Key),
            Resolve(tls.TrustBundle),
            tls.MinVersion?.Value ?? ConfigDefaults.MinTlsVersion);
    }
}
