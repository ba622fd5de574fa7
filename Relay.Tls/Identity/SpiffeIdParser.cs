namespace Relay.Tls.Identity;

/// <summary>The SPIFFE ID grammar, kept apart from the record so both IDs and patterns share it.</summary>
internal static class SpiffeIdParser
{
    private const string Scheme = "spiffe://";

    // SPIFFE spec §2.3: IDs over 2048 bytes must be rejected.
    private const int MaxLength = 2048;

    public static string? Validate(string? text, out string? trustDomain, out string? path)
    {
        trustDomain = null;
        path = null;
        if (string.IsNullOrEmpty(text))
        {
            return "SPIFFE ID is empty";
        }
        if (text.Length > MaxLength)
        {
            return $"SPIFFE ID is longer than {MaxLength} characters";
        }
        if (!text.StartsWith(Scheme, StringComparison.Ordinal))
        {
            return $"SPIFFE ID '{text}' must start with '{Scheme}'";
        }
        var rest = text.AsSpan(Scheme.Length);
        var slash = rest.IndexOf('/');
        var td = slash < 0 ? rest : rest[..slash];
        var p = slash < 0 ? ReadOnlySpan<char>.Empty : rest[slash..];
        var tdError = ValidateTrustDomain(td);
        if (tdError is not null)
        {
            return $"SPIFFE ID '{text}': {tdError}";
        }
        var pathError = ValidatePath(p);
        if (pathError is not null)
        {
            return $"SPIFFE ID '{text}': {pathError}";
        }
        trustDomain = td.ToString();
        path = p.ToString();
        return null;
    }

    public static string? ValidateTrustDomain(ReadOnlySpan<char> td)
    {
        if (td.IsEmpty)
        {
            return "trust domain is empty";
        }
        foreach (var c in td)
        {
            if (!(c is >= 'a' and <= 'z' || c is >= '0' and <= '9' || c is '.' or '-' or '_'))
            {
                return $"trust domain has character '{c}' (allowed: lowercase letters, digits, '.', '-', '_')";
            }
        }
        return null;
    }

    private static string? ValidatePath(ReadOnlySpan<char> path)
    {
        if (path.IsEmpty)
        {
            return null;
        }
        if (path[^1] == '/')
        {
            return "path must not end with '/'";
        }
        foreach (var range in path[1..].Split('/'))
        {
            var segment = path[1..][range];
            if (segment.IsEmpty)
            {
                return "path has an empty segment";
            }
            if (segment is "." or "..")
            {
                return "path has a '.' or '..' segment";
            }
            foreach (var c in segment)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
                {
                    return $"path has character '{c}' (allowed: letters, digits, '.', '-', '_')";
                }
            }
        }
        return null;
    }
}
