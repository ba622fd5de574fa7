using YamlDotNet.RepresentationModel;

namespace Relay.Core.Config.Yaml;

/// <summary>Turns one YAML scalar into a typed value, or says in words why it cannot.</summary>
internal delegate bool ScalarParser<T>(YamlScalarNode scalar, out T value, out string? error);
