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
        catch (ArgumentException e)
        {
            // YamlDotNet 18.1 throws ArgumentException on some malformed input instead of a
            // YamlException: its node builder on an event sequence it refuses (" :  key: 1"
            // inside a mapping) and TagName on a %TAG prefix that is not a URI ("Global tags must
            // be valid URIs"); both found by ConfigFuzzTests. Before, they escaped `relay validate`
            // as unhandled exceptions. The guard and filter between parser and builder throw only
            // YamlLimitException, so this is the user's input, reported where the parser stopped.
            errors.Add(LastPosition(filter), $"YAML syntax error: {e.Message}");
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
