using System.Security.Cryptography;

namespace Relay.Tls.Certificates;

/// <summary>
/// Cheap and exact change detection for the credential files. <see cref="Stat"/> (final link
/// target, size, mtime) is what the 5 s poll compares, because FileSystemWatcher does not see a
/// symlink being re-pointed into another directory (the Kubernetes/spiffe-helper "..data" swap);
/// <see cref="Content"/> (SHA-256 of the bytes) decides whether a reload would change anything.
/// </summary>
internal static class FileSetFingerprint
{
    public static string Stat(IEnumerable<string> paths)
    {
        var parts = new List<string>();
        foreach (var path in paths)
        {
            try
            {
                var target = File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? path;
                var info = new FileInfo(target);
                parts.Add(info.Exists ? $"{target}|{info.Length}|{info.LastWriteTimeUtc.Ticks}" : $"{path}|missing");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                parts.Add($"{path}|error");
            }
        }
        return string.Join('\n', parts);
    }

    public static string Content(IEnumerable<string> paths)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var path in paths)
        {
            try
            {
                hash.AppendData(File.ReadAllBytes(path));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                hash.AppendData("unreadable"u8);
            }
            // Separator so moving bytes between files changes the hash.
            hash.AppendData([0]);
        }
        return Convert.ToHexString(hash.GetHashAndReset());
    }
}
