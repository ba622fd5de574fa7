using Google.Protobuf;

namespace Relay.Tests.Tracing;

/// <summary>
/// Decodes an OTLP/HTTP protobuf <c>ExportTraceServiceRequest</c> (opentelemetry-proto
/// trace/v1/trace.proto) field by field with the protobuf wire reader: only the fields the tests
/// assert on, everything else skipped. Field numbers are the proto's.
/// </summary>
internal static class OtlpTraceDecoder
{
    public static List<OtlpSpan> Decode(byte[] body)
    {
        var spans = new List<OtlpSpan>();
        foreach (var resourceSpans in Messages(body, 1))
        {
            var service = "";
            foreach (var resource in Messages(resourceSpans, 1))
            {
                service = Attributes(resource, 1).GetValueOrDefault("service.name", "");
            }
            foreach (var scopeSpans in Messages(resourceSpans, 2))
            {
                var scope = Messages(scopeSpans, 1).Select(s => Strings(s, 1).FirstOrDefault() ?? "").FirstOrDefault() ?? "";
                spans.AddRange(Messages(scopeSpans, 2).Select(s => Span(s, scope, service)));
            }
        }
        return spans;
    }

    private static OtlpSpan Span(byte[] span, string scope, string service) => new(
        Hex(Bytes(span, 1)), Hex(Bytes(span, 2)), Hex(Bytes(span, 4)), Strings(span, 5).FirstOrDefault() ?? "",
        (int)Varints(span, 6).FirstOrDefault(), scope, service, Attributes(span, 9),
        (int)Messages(span, 15).Select(s => Varints(s, 3).FirstOrDefault()).FirstOrDefault());

    private static Dictionary<string, string> Attributes(byte[] message, int field)
    {
        var attributes = new Dictionary<string, string>();
        foreach (var keyValue in Messages(message, field))
        {
            var key = Strings(keyValue, 1).FirstOrDefault() ?? "";
            var any = Messages(keyValue, 2).FirstOrDefault() ?? [];
            attributes[key] = Strings(any, 1).FirstOrDefault()
                ?? Varints(any, 2).Select(v => v != 0 ? "true" : "false").FirstOrDefault()
                ?? Varints(any, 3).Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault()
                ?? "";
        }
        return attributes;
    }

    private static string Hex(byte[]? bytes) => bytes is null || bytes.Length == 0 ? "" : Convert.ToHexStringLower(bytes);

    private static byte[]? Bytes(byte[] message, int field) => Messages(message, field).FirstOrDefault();

    private static IEnumerable<string> Strings(byte[] message, int field) => Messages(message, field).Select(b => System.Text.Encoding.UTF8.GetString(b));

    /// <summary>Every length-delimited value of <paramref name="field"/> (messages, bytes, strings).</summary>
    private static List<byte[]> Messages(byte[] message, int field)
    {
        var found = new List<byte[]>();
        var input = new CodedInputStream(message);
        for (uint tag; (tag = input.ReadTag()) != 0;)
        {
            if (WireFormat.GetTagFieldNumber(tag) == field && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                found.Add(input.ReadBytes().ToByteArray());
            }
            else
            {
                input.SkipLastField();
            }
        }
        return found;
    }

    private static List<ulong> Varints(byte[] message, int field)
    {
        var found = new List<ulong>();
        var input = new CodedInputStream(message);
        for (uint tag; (tag = input.ReadTag()) != 0;)
        {
            if (WireFormat.GetTagFieldNumber(tag) == field && WireFormat.GetTagWireType(tag) == WireFormat.WireType.Varint)
            {
                found.Add(input.ReadUInt64());
            }
            else
            {
                input.SkipLastField();
            }
        }
        return found;
    }
}
