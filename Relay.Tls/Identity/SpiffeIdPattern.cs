namespace Relay.Tls.Identity;

/// <summary>
/// An authorization match: an exact SPIFFE ID, or every ID of a trust domain written
/// <c>spiffe://trust-domain/*</c>, or a path prefix written <c>spiffe://td/ns/prod/*</c>.
/// </summary>
public sealed record SpiffeIdPattern(string TrustDomain, string Path, bool IsPrefix)
{
    public bool Matches(SpiffeId id)
    {
        if (!string.Equals(id.TrustDomain, TrustDomain, StringComparison.Ordinal))
        {
            return false;
        }
        if (!IsPrefix)
        {
            return string.Equals(id.Path, Path, StringComparison.Ordinal);
        }
        // Prefix "/ns/prod" matches "/ns/prod/x" but not "/ns/production".
        return Path.Length == 0
            ? id.Path.Length > 0
            : id.Path.Length > Path.Length && id.Path.StartsWith(Path, StringComparison.Ordinal) && id.Path[Path.Length] == '/';
    }

    public override string ToString() => IsPrefix ? $"spiffe://{TrustDomain}{Path}/*" : $"spiffe://{TrustDomain}{Path}";

    public static bool TryParse(string? text, out SpiffeIdPattern? pattern, out string? error)
    {
        pattern = null;
        var isPrefix = text is not null && text.EndsWith("/*", StringComparison.Ordinal);
        var idText = isPrefix ? text![..^2] : text;
        error = SpiffeIdParser.Validate(idText, out var td, out var path);
        if (error is null)
        {
            pattern = new SpiffeIdPattern(td!, path!, isPrefix);
        }
        return error is null;
    }
}
