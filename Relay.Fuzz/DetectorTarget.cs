using Relay.Core.Detect;

namespace Relay.Fuzz;

/// <summary>
/// One fuzz input through the detector as the detect stage uses it. Besides "never throws, never
/// hangs", it checks the property <c>ProtocolPeeker</c> relies on: the peeker re-runs detection on
/// each longer prefix a socket delivers and stops at the first decision, so a decision taken on any
/// prefix (a partial read) must be the one the whole input gets. An exception here is a crash to AFL.
/// </summary>
internal static class DetectorTarget
{
    public static void Run(Stream stream)
    {
        var data = ReadBudget(stream);
        var whole = ProtocolDetector.Detect(data, out var hello);
        if (whole == DetectedProtocol.NeedMore)
        {
            // What the peeker asks when the budget is spent or the peer sent FIN.
            _ = ProtocolDetector.AtBudget(data);
        }
        else if (hello.Status == ClientHelloPeekStatus.Tls && (hello.Alpn.IsDefault || hello.Alpn.Any(a => a is null)))
        {
            throw new DetectorInvariantException("a parsed ClientHello carries a null ALPN list or entry");
        }
        foreach (var cut in Cuts(data.Length))
        {
            var partial = ProtocolDetector.Detect(data.AsSpan(0, cut));
            if (partial != DetectedProtocol.NeedMore && partial != whole)
            {
                throw new DetectorInvariantException($"the first {cut} of {data.Length} bytes were detected as {partial}, all of them as {whole}");
            }
        }
    }

    /// <summary>The most the peeker ever hands the detector: <see cref="ProtocolDetector.ByteBudget"/> bytes.</summary>
    private static byte[] ReadBudget(Stream stream)
    {
        var buffer = new byte[ProtocolDetector.ByteBudget];
        var filled = 0;
        int n;
        while (filled < buffer.Length && (n = stream.Read(buffer, filled, buffer.Length - filled)) > 0)
        {
            filled += n;
        }
        // Drain the rest so the next persistent-mode input starts clean.
        stream.CopyTo(Stream.Null);
        return buffer[..filled];
    }

    /// <summary>
    /// Prefix lengths to compare: every one up to 64 bytes (record and handshake headers, methods,
    /// the 24-byte h2 preface), then doubling, plus the last byte missing. All prefixes of a 16 KiB
    /// input would cost O(n²) per execution and slow AFL down to a crawl.
    /// </summary>
    private static IEnumerable<int> Cuts(int length)
    {
        for (var cut = 1; cut < length && cut <= 64; cut++)
        {
            yield return cut;
        }
        for (var cut = 128; cut < length; cut *= 2)
        {
            yield return cut;
        }
        if (length > 65)
        {
            yield return length - 1;
        }
    }
}

/// <summary>The detector broke a property the detect stage relies on (not a crash of the runtime, but a bug all the same).</summary>
internal sealed class DetectorInvariantException(string message) : Exception(message);
