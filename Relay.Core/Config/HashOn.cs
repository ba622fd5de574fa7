namespace Relay.Core.Config;

/// <summary>
/// What a ring-hash service hashes: a request header's value (L7 only; a request without it
/// falls back to the client address) or the client's address (L4 and L7).
/// </summary>
/// <param name="Header">The header name, lowercase; null for the client address.</param>
public readonly record struct HashOn(string? Header)
{
    public static readonly HashOn ClientAddress = new((string?)null);

    public const string ClientAddressWord = "client-address";

    public const string HeaderPrefix = "header:";

    public override string ToString() => Header is null ? ClientAddressWord : HeaderPrefix + Header;

    /// <summary><c>client-address</c> or <c>header:NAME</c> (an RFC 9110 token).</summary>
    public static bool TryParse(string text, out HashOn value, out string? error)
    {
        value = ClientAddress;
        error = null;
        if (text == ClientAddressWord)
        {
            return true;
        }
        if (text.StartsWith(HeaderPrefix, StringComparison.Ordinal) && text.Length > HeaderPrefix.Length
            && text.AsSpan(HeaderPrefix.Length).IndexOfAnyExcept(TokenChars) < 0)
        {
            value = new HashOn(text[HeaderPrefix.Length..].ToLowerInvariant());
            return true;
        }
        error = $"expected '{ClientAddressWord}' or 'header:NAME', got '{text}'";
        return false;
    }

    private static readonly System.Buffers.SearchValues<char> TokenChars =
        System.Buffers.SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
}
