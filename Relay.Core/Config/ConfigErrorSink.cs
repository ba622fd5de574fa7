namespace Relay.Core.Config;

/// <summary>Collects every error of one load, so the user fixes the file in one pass.</summary>
internal sealed class ConfigErrorSink(string file)
{
    private readonly List<ConfigError> _errors = [];

    public bool HasErrors => _errors.Count > 0;

    public void Add(ConfigLocation at, string message) =>
        _errors.Add(new ConfigError(file, at.Line, at.Column, at.KeyPath.Length == 0 ? ConfigError.RootPath : at.KeyPath, message));

    public void AddFileError(string message) => _errors.Add(new ConfigError(file, 0, 0, ConfigError.FilePath, message));

    /// <summary>Errors in file order; OrderBy is stable, so errors at one position keep their order.</summary>
    public IReadOnlyList<ConfigError> Sorted() => [.. _errors.OrderBy(e => e.Line).ThenBy(e => e.Column)];
}
