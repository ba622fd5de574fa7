using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace Relay.Tls.Identity;

/// <summary>
/// Reads the SPIFFE ID from a certificate's URI SANs. .NET 10's X509SubjectAlternativeNameExtension
/// enumerates only DNS names and IP addresses, so the GeneralNames sequence is walked with AsnReader.
/// </summary>
public static class SpiffeIdExtractor
{
    private const string SubjectAltNameOid = "2.5.29.17";

    // RFC 5280 §4.2.1.6: GeneralName uniformResourceIdentifier is [6] IMPLICIT IA5String.
    private static readonly Asn1Tag UriTag = new(TagClass.ContextSpecific, 6);

    public static SpiffeIdExtraction Extract(X509Certificate2 certificate)
    {
        var uris = ReadUriSans(certificate, out var malformed);
        if (malformed)
        {
            return SpiffeIdExtraction.Failure(SpiffeIdExtractionError.MalformedExtension, "subjectAltName extension is not valid DER");
        }
        if (uris.Count == 0)
        {
            return SpiffeIdExtraction.Failure(SpiffeIdExtractionError.NoUriSan, "certificate has no URI SAN (a SPIFFE ID is required)");
        }
        if (uris.Count > 1)
        {
            return SpiffeIdExtraction.Failure(SpiffeIdExtractionError.MultipleUriSans, $"certificate has {uris.Count} URI SANs; exactly one SPIFFE ID is required");
        }
        return SpiffeId.TryParse(uris[0], out var id, out var error)
            ? SpiffeIdExtraction.Success(id!)
            : SpiffeIdExtraction.Failure(SpiffeIdExtractionError.NotSpiffe, error!);
    }

    /// <summary>All URI SANs in the certificate's subjectAltName extensions, in order.</summary>
    public static List<string> ReadUriSans(X509Certificate2 certificate, out bool malformed)
    {
        var uris = new List<string>();
        malformed = false;
        foreach (var extension in certificate.Extensions)
        {
            if (extension.Oid?.Value != SubjectAltNameOid)
            {
                continue;
            }
            try
            {
                ReadGeneralNames(extension.RawData, uris);
            }
            catch (AsnContentException)
            {
                malformed = true;
            }
        }
        return uris;
    }

    private static void ReadGeneralNames(byte[] der, List<string> uris)
    {
        var reader = new AsnReader(der, AsnEncodingRules.DER);
        var names = reader.ReadSequence();
        reader.ThrowIfNotEmpty();
        while (names.HasData)
        {
            var tag = names.PeekTag();
            if (tag.HasSameClassAndValue(UriTag))
            {
                uris.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, UriTag));
            }
            else
            {
                names.ReadEncodedValue();
            }
        }
    }
}
