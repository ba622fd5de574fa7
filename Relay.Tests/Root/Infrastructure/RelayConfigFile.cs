namespace Relay.Tests.Root.Infrastructure;

/// <summary>
/// A mesh.yaml in its own /tmp directory (755/644) so the unprivileged relay user can read it; /tmp rather
/// than Path.GetTempPath() because TMPDIR may sit below /root.
/// </summary>
internal sealed class RelayConfigFile : IDisposable
{
    private RelayConfigFile(string directory)
    {
        Directory = directory;
        Path = System.IO.Path.Combine(directory, "mesh.yaml");
    }

    public string Directory { get; }

    public string Path { get; }

    public static async Task<RelayConfigFile> WriteAsync(NetnsHost host, string yaml)
    {
        var dir = $"/tmp/relay-root-cfg-{host.Name}-{Random.Shared.Next(0x10000):x4}";
        System.IO.Directory.CreateDirectory(dir);
        var file = new RelayConfigFile(dir);
        await File.WriteAllTextAsync(file.Path, yaml);
        // Directory 755, file 644: readable by the relay user. chmod(1) because File.SetUnixFileMode is
        // flagged as platform-specific (CA1416) for this cross-platform test assembly.
        (await ProcessRunner.RunAsync("chmod", "-R", "u=rwX,go=rX", dir)).EnsureSuccess();
        return file;
    }

    public void Dispose()
    {
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}
