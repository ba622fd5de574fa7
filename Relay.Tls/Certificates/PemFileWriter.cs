namespace Relay.Tls.Certificates;

/// <summary>
/// Writes PEM text atomically: a temporary file in the same directory, then rename. Readers (and
/// CredentialStore's watcher) see the old file or the new one, never half of one. Private keys are
/// created 0600 from the first byte, so no window exists in which the umask leaves them readable.
/// </summary>
internal static class PemFileWriter
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    // Certificates are public; 0644 lets the relay user read files an admin wrote as root.
    private const UnixFileMode PublicRead = OwnerReadWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public static void WritePublic(string path, string pem) => Write(path, pem, PublicRead);

    public static void WriteSecret(string path, string pem) => Write(path, pem, OwnerReadWrite);

    private static void Write(string path, string pem, UnixFileMode mode)
    {
        var temp = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }
        try
        {
            using (var stream = new FileStream(temp, options))
            using (var writer = new StreamWriter(stream))
            {
                writer.Write(pem);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
