using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Relay.Core.Config.Yaml;

/// <summary>Text → the root node of mesh.yaml's single YAML document, or errors.</summary>
internal static class YamlDocumentLoader
{
    public static YamlNode? Load(string text, ConfigErrorSink errors)
    {
        if (LineLengthCheck.FirstTooLong(text) is > 0 and var line)
        {
            errors.Add(new ConfigLocation(line, LineLengthCheck.MaxLineChars + 1, ""),
                $"line is longer than {LineLengthCheck.MaxLineChars} characters; no mesh.yaml value is longer than {ConfigLimits.MaxScalarChars}");
            return null;
        }
        var filter = new DuplicateKeyFilter(new Parser(new StringReader(text)), errors);
        var stream = new YamlStream();
        try
        {
            stream.Load(filter);
        }
        catch (YamlLimitException e)
        {
            errors.Add(new ConfigLocation((int)e.Start.Line, (int)e.Start.Column, e.KeyPath), e.Message);
            return null;
        }
        catch (YamlException e)
        {
            errors.Add(new ConfigLocation((int)e.Start.Line, (int)e.Start.Column, filter.CurrentPath), $"YAML syntax error: {e.Message}");
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet 18.1's scanner throws this instead of a YamlException on some malformed
            // flow collections (e.g. "a: [1, 2" followed by another key). It is still the
            // user's syntax error, so report it at the last event the parser produced.
            errors.Add(LastPosition(filter), "YAML syntax error: malformed flow collection ('[...]' or '{...}' not closed?)");
            return null;
        }
        catch (ArgumentException e) when (e.ParamName == "parser")
        {
            // YamlDotNet 18.1's parser emits an event sequence its own node builder refuses on
            // some malformed block mappings (" :  key: 1" inside a mapping; found by
            // ConfigFuzzTests). Before, that escaped `relay validate` as an unhandled exception.
            errors.Add(LastPosition(filter), "YAML syntax error: malformed mapping (a ':' with no key, or a key indented differently from its siblings?)");
            return null;
        }
        return SingleRoot(stream, errors);
    }

    private static ConfigLocation LastPosition(DuplicateKeyFilter filter)
    {
        var mark = filter.Current?.End ?? Mark.Empty;
        return new ConfigLocation((int)Math.Max(mark.Line, 1), (int)Math.Max(mark.Column, 1), filter.CurrentPath);
    }

    private static YamlNode? SingleRoot(YamlStream stream, ConfigErrorSink errors)
    {
        if (stream.Documents.Count == 0)
        {
            errors.Add(ConfigLocation.Root, "the file holds no YAML document; at least the 'mesh' section is required");
            return null;
        }
        if (stream.Documents.Count > 1)
        {
            var second = stream.Documents[1].RootNode;
            errors.Add(ConfigLocation.Of(second, ""), "mesh.yaml must hold exactly one YAML document (found a second one here)");
        }
        return stream.Documents[0].RootNode;
    }
}
