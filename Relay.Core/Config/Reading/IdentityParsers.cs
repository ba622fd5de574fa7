using Relay.Tls.Identity;

namespace Relay.Core.Config.Reading;

/// <summary>SPIFFE trust domains, IDs and authorization patterns, using Relay.Tls's grammar.</summary>
internal static class IdentityParsers
{
    public static bool TrustDomain(string text, out string value, out string? error)
    {
        value = text;
        error = SpiffeIdParser.ValidateTrustDomain(text);
        if (error is not null)
        {
            error = $"'{text}' is not a SPIFFE trust domain: {error}";
        }
        return error is null;
    }

    public static bool Id(string text, out SpiffeId value, out string? error) =>
        SpiffeId.TryParse(text, out value!, out error);

    public static bool Pattern(string text, out SpiffeIdPattern value, out string? error) =>
        SpiffeIdPattern.TryParse(text, out value!, out error);
}
