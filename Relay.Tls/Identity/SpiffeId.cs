namespace Relay.Tls.Identity;

/// <summary>
/// A SPIFFE ID: <c>spiffe://trust-domain/path</c>. Parsed per the SPIFFE ID spec: lowercase
/// trust domain of [a-z0-9.-_], a path of non-empty segments of [A-Za-z0-9.-_] without . or ..,
/// no query, fragment, port or user info.
/// </summary>
public sealed record SpiffeId(string TrustDomain, string Path)
{
    public override string ToString() => $"spiffe://{TrustDomain}{Path}";

    public static bool TryParse(string? text, out SpiffeId? id, out string? error)
    {
        id = null;
        error = SpiffeIdParser.Validate(text, out var trustDomain, out var path);
        if (error is null)
        {
            id = new SpiffeId(trustDomain!, path!);
        }
        return error is null;
    }

    public static SpiffeId Parse(string text) =>
        TryParse(text, out var id, out var error) ? id! : throw new FormatException(error);
}
