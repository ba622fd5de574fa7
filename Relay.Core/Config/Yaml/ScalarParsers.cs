using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Relay.Core.Config.Yaml;

/// <summary>The YAML-level scalar types: text, integers, booleans, and text run through a parser.</summary>
internal static class ScalarParsers
{
    public static bool String(YamlScalarNode scalar, out string value, out string? error)
    {
        value = scalar.Value ?? "";
        error = null;
        return true;
    }

    public static bool Int(YamlScalarNode scalar, out int value, out string? error)
    {
        var text = scalar.Value ?? "";
        error = null;
        if (scalar.Style == ScalarStyle.Plain && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
        {
            return true;
        }
        value = 0;
        error = scalar.Style == ScalarStyle.Plain
            ? $"expected an integer, got '{text}'"
            : $"expected an integer, got the quoted string '{text}' (remove the quotes)";
        return false;
    }

    public static bool Bool(YamlScalarNode scalar, out bool value, out string? error)
    {
        var text = scalar.Value ?? "";
        error = null;
        // YAML 1.2 core schema booleans; YAML 1.1's yes/no/on/off are deliberately not booleans.
        if (scalar.Style == ScalarStyle.Plain && text is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
        {
            value = text[0] is 't' or 'T';
            return true;
        }
        value = false;
        error = $"expected true or false, got '{text}'";
        return false;
    }

    /// <summary>Adapts a text parser (durations, addresses, SPIFFE IDs) to a scalar parser.</summary>
    public static ScalarParser<T> Text<T>(TextParser<T> parse) =>
        (YamlScalarNode scalar, out T value, out string? error) => parse(scalar.Value ?? "", out value, out error);

    /// <summary>A closed set of words, e.g. strict | permissive.</summary>
    public static ScalarParser<T> OneOf<T>(IReadOnlyDictionary<string, T> words) =>
        (YamlScalarNode scalar, out T value, out string? error) =>
        {
            var text = scalar.Value ?? "";
            error = null;
            if (words.TryGetValue(text, out value!))
            {
                return true;
            }
            error = $"'{text}' is not one of: {string.Join(", ", words.Keys)}";
            return false;
        };

    /// <summary>True for the YAML null scalar (empty, ~, null): the key is treated as absent.</summary>
    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" or "Null" or "NULL" };
}

/// <summary>Parses text into a value, or says why not.</summary>
internal delegate bool TextParser<T>(string text, out T value, out string? error);
