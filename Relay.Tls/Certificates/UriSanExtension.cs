using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace Relay.Tls.Certificates;

/// <summary>
/// Encodes a subjectAltName of URIs byte-for-byte as given. SubjectAlternativeNameBuilder.AddUri
/// goes through System.Uri, which normalises (e.g. "spiffe://td" becomes "spiffe://td/", an
/// invalid SPIFFE ID), so the GeneralNames sequence is written directly.
/// </summary>
internal static class UriSanExtension
{
    private const string SubjectAltNameOid = "2.5.29.17";

    public static X509Extension Create(IEnumerable<string> uris)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            foreach (var uri in uris)
            {
                // RFC 5280 §4.2.1.6: uniformResourceIdentifier [6] IMPLICIT IA5String.
                writer.WriteCharacterString(UniversalTagNumber.IA5String, uri, new Asn1Tag(TagClass.ContextSpecific, 6));
            }
        }
        return new X509Extension(SubjectAltNameOid, writer.Encode(), critical: false);
    }
}
