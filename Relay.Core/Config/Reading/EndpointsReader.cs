using Relay.Core.Config.Yaml;
using Relay.Core.Net;
using YamlDotNet.RepresentationModel;

namespace Relay.Core.Config.Reading;

/// <summary>
/// A service's <c>endpoints</c>: each item is "ip:port" or <c>{address, labels, zone}</c>.
/// Label syntax is checked by <c>EndpointsValidator</c>; this only reads shapes.
/// </summary>
internal static class EndpointsReader
{
    public static readonly string[] Keys = ["address", "labels", "zone"];

    private static readonly ScalarParser<NetEndpoint> Address = ScalarParsers.Text<NetEndpoint>(AddressParsers.Endpoint);

    /// <summary>Not required when the service has <c>dns:</c> or <c>srv:</c> instead.</summary>
    public static ConfigList<EndpointConfig>? Read(MappingReader service, string key, bool required = true)
    {
        if (service.Node(key, required) is not { } node)
        {
            return null;
        }
        var errors = service.Errors;
        return YamlNodes.Items(node, service.PathOf(key), (item, path) => ReadItem(item, path, errors), errors);
    }

    private static Located<EndpointConfig>? ReadItem(YamlNode item, string path, ConfigErrorSink errors)
    {
        if (item is not YamlMappingNode)
        {
            return YamlNodes.Scalar(item, path, Address, errors) is { } plain
                ? new Located<EndpointConfig>(new EndpointConfig(plain, [], null), plain.Location)
                : null;
        }
        if (MappingReader.Open(item, path, errors, Keys) is not { } entry)
        {
            return null;
        }
        var address = entry.Scalar("address", Address, required: true);
        var labels = ReadLabels(entry.Node("labels"), entry.PathOf("labels"), errors);
        var zone = entry.String("zone");
        return address is null || labels is null
            ? null
            : new Located<EndpointConfig>(new EndpointConfig(address, labels, zone), entry.Location);
    }

    /// <summary>Labels as written, keys located at the key so a bad key points at itself.</summary>
    public static List<EndpointLabelConfig>? ReadLabels(YamlNode? node, string path, ConfigErrorSink errors)
    {
        if (node is null)
        {
            return [];
        }
        if (node is not YamlMappingNode mapping)
        {
            errors.Add(ConfigLocation.Of(node, path), $"expected a mapping of label: value, got {YamlNodes.Describe(node)}");
            return null;
        }
        var labels = new List<EndpointLabelConfig>();
        var complete = true;
        foreach (var (key, value) in mapping.Children)
        {
            var keyPath = key is YamlScalarNode { Value: { } k } ? ConfigLocation.Join(path, k) : path;
            var name = YamlNodes.Scalar<string>(key, keyPath, ScalarParsers.String, errors);
            var text = ScalarParsers.IsNull(value) ? EmptyValue(value, keyPath, errors) : YamlNodes.Scalar<string>(value, keyPath, ScalarParsers.String, errors);
            if (name is null || text is null)
            {
                complete = false;
                continue;
            }
            labels.Add(new EndpointLabelConfig(name, text));
        }
        return complete ? labels : null;
    }

    // `version:` with nothing after it is more likely a slip than Kubernetes' empty label value.
    private static Located<string>? EmptyValue(YamlNode value, string path, ConfigErrorSink errors)
    {
        errors.Add(ConfigLocation.Of(value, path), "label value is empty; write \"\" for an empty value");
        return null;
    }
}
