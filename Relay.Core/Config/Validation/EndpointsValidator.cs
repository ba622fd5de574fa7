using System.Text.RegularExpressions;

namespace Relay.Core.Config.Validation;

/// <summary>
/// Endpoint labels and zones, with Kubernetes' label syntax (the rules users already know from
/// <c>metadata.labels</c>): a key is an optional DNS-subdomain prefix and '/' and a name of at
/// most 63 characters; a value is empty or a name. Bounded so a label set stays a small lookup.
/// </summary>
internal static partial class EndpointsValidator
{
    /// <summary>
    /// Kubernetes has no count limit, but its recommended labels are six (app.kubernetes.io/*)
    /// and subset routing reads two or three; 32 leaves room without letting one endpoint carry
    /// an unbounded map into every snapshot.
    /// </summary>
    public const int MaxLabels = 32;

    // Kubernetes apimachinery validation: qualified-name part 63, DNS-1123 subdomain 253, value 63.
    private const int MaxNameChars = 63;
    private const int MaxPrefixChars = 253;

    public static void Validate(ConfigList<EndpointConfig>? endpoints, ConfigErrorSink errors)
    {
        foreach (var endpoint in endpoints?.Items ?? [])
        {
            var labels = endpoint.Value.Labels;
            if (labels.Count > MaxLabels)
            {
                errors.Add(endpoint.Location.Child("labels"), $"an endpoint may carry at most {MaxLabels} labels, got {labels.Count}");
            }
            foreach (var label in labels)
            {
                Key(label.Key, errors);
                Value(label.Value, "label value", errors);
            }
            if (endpoint.Value.Zone is { } zone)
            {
                Value(zone, "zone", errors, allowEmpty: false);
            }
        }
    }

    public static void Key(Located<string> key, ConfigErrorSink errors)
    {
        var text = key.Value;
        var slash = text.IndexOf('/');
        var name = slash < 0 ? text : text[(slash + 1)..];
        if (slash >= 0 && (slash > MaxPrefixChars || !Prefix().IsMatch(text[..slash])))
        {
            errors.Add(key.Location, $"label key '{text}': the prefix before '/' must be a DNS subdomain (lowercase letters, digits, '-' and '.', at most {MaxPrefixChars} characters)");
        }
        else if (!IsName(name))
        {
            errors.Add(key.Location, $"label key '{text}': the name must be 1-{MaxNameChars} characters of letters, digits, '-', '_' and '.', starting and ending with a letter or digit");
        }
    }

    public static void Value(Located<string> value, string what, ConfigErrorSink errors, bool allowEmpty = true)
    {
        if ((value.Value.Length == 0 && allowEmpty) || IsName(value.Value))
        {
            return;
        }
        errors.Add(value.Location, $"{what} '{value.Value}' must be {(allowEmpty ? "empty or " : "")}1-{MaxNameChars} characters of letters, digits, '-', '_' and '.', starting and ending with a letter or digit");
    }

    private static bool IsName(string text) => text.Length is > 0 and <= MaxNameChars && Name().IsMatch(text);

    [GeneratedRegex("^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")]
    private static partial Regex Name();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Prefix();
}
