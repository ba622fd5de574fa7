using System.Security.Cryptography;
using System.Text;
using Relay.Core.Config.Reading;
using Relay.Core.Config.Validation;
using Relay.Core.Config.Yaml;

namespace Relay.Core.Config;

/// <summary>
/// mesh.yaml → validated, compiled <see cref="ConfigSnapshot"/>, or every error in the file.
/// Pipeline: bytes → YAML nodes → *Config records (shape, types) → rules → snapshot.
/// </summary>
public static class ConfigLoader
{
    // See ConfigLimits.MaxFileBytes for why 4 MiB.
    internal const int MaxFileBytes = ConfigLimits.MaxFileBytes;

    // 12 hex digits = 48 bits: collisions between revisions of one file are not a concern,
    // and the value stays short enough for logs, metrics labels and /config.
    private const int RevisionLength = 12;

    // Editors on other platforms may save a byte order mark; it is not part of the YAML text.
    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static ConfigLoadResult LoadFile(string path)
    {
        var errors = new ConfigErrorSink(path);
        var bytes = ConfigFileReader.Read(path, MaxFileBytes, errors);
        return bytes is null ? ConfigLoadResult.Invalid(errors.Sorted()) : LoadBytes(bytes, path);
    }

    /// <summary>The file's bytes as read (a BOM allowed, strict UTF-8), reported as <paramref name="path"/>.</summary>
    public static ConfigLoadResult LoadBytes(byte[] bytes, string path)
    {
        var errors = new ConfigErrorSink(path);
        string text;
        try
        {
            var start = bytes.AsSpan().StartsWith(Utf8Bom) ? Utf8Bom.Length : 0;
            text = StrictUtf8.GetString(bytes.AsSpan(start));
        }
        catch (DecoderFallbackException e)
        {
            errors.AddFileError($"not valid UTF-8 (byte offset {e.Index})");
            return ConfigLoadResult.Invalid(errors.Sorted());
        }
        return Load(bytes, text, path);
    }

    public static ConfigLoadResult LoadText(string text, string sourcePath) =>
        Load(Encoding.UTF8.GetBytes(text), text, sourcePath);

    private static ConfigLoadResult Load(byte[] bytes, string text, string path)
    {
        var errors = new ConfigErrorSink(path);
        if (bytes.Length > MaxFileBytes)
        {
            // LoadFile stops reading at the cap; text handed in directly gets the same bound.
            errors.AddFileError($"file is larger than {MaxFileBytes} bytes; is this really mesh.yaml?");
            return ConfigLoadResult.Invalid(errors.Sorted());
        }
        var root = YamlDocumentLoader.Load(text, errors);
        var file = root is null ? null : MeshFileReader.Read(root, errors);
        if (file is not null)
        {
            MeshFileValidator.Validate(file, errors);
        }
        if (file is null || errors.HasErrors)
        {
            return ConfigLoadResult.Invalid(errors.Sorted());
        }
        var source = new ConfigSource(path, text, Revision(bytes));
        return ConfigLoadResult.Valid(ConfigCompiler.Compile(file, source));
    }

    internal static string Revision(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes))[..RevisionLength];
}
