namespace Relay.Tls.Identity;

/// <summary>Why a certificate does not carry exactly one usable SPIFFE ID.</summary>
public enum SpiffeIdExtractionError
{
    None = 0,

    /// <summary>The certificate has no URI SAN at all.</summary>
    NoUriSan,

    /// <summary>More than one URI SAN: X509-SVID §2 requires exactly one.</summary>
    MultipleUriSans,

    /// <summary>The single URI SAN is not a valid <c>spiffe://</c> ID.</summary>
    NotSpiffe,

    /// <summary>The SAN extension is not valid DER.</summary>
    MalformedExtension,
}

/// <summary>The outcome of reading a certificate's SPIFFE ID: the ID, or an error and a message.</summary>
public readonly record struct SpiffeIdExtraction(SpiffeId? Id, SpiffeIdExtractionError Error, string? Message)
{
    public bool Succeeded => Id is not null;

    public static SpiffeIdExtraction Success(SpiffeId id) => new(id, SpiffeIdExtractionError.None, null);

    public static SpiffeIdExtraction Failure(SpiffeIdExtractionError error, string message) => new(null, error, message);
}
