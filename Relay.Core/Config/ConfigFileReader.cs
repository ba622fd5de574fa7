namespace Relay.Core.Config;

/// <summary>Reads mesh.yaml's bytes with a size cap; a missing or unreadable file is an error value.</summary>
internal static class ConfigFileReader
{
    // One page-cache-friendly read size; a typical mesh.yaml fits in one chunk.
    private const int ChunkBytes = 64 * 1024;

    public static byte[]? Read(string path, int maxBytes, ConfigErrorSink errors)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var content = new MemoryStream();
            var chunk = new byte[ChunkBytes];
            int read;
            // Length is not trusted (0 for /proc and devices): read until EOF or past the cap.
            while (content.Length <= maxBytes && (read = stream.Read(chunk)) > 0)
            {
                content.Write(chunk, 0, read);
            }
            if (content.Length > maxBytes)
            {
                errors.AddFileError($"file is larger than {maxBytes} bytes; is this really mesh.yaml?");
                return null;
            }
            return content.ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            errors.AddFileError($"cannot read the file: {e.Message}");
            return null;
        }
    }
}
