using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using Relay.Core.Detect;
using Relay.Tls.MeshTls;

namespace Relay.Fuzz;

/// <summary>
/// Writes the detector's seed corpus: one file per row of the detection table (docs/detection.md)
/// and the partial reads and garbage around it. The ClientHellos are real: captured from .NET's
/// SslStream client (OpenSSL underneath) with MSG_PEEK, as the detect stage sees them. The
/// committed corpus (Relay.Fuzz/corpus/detect) was written by this; rerunning it changes the
/// hellos' random fields only.
/// </summary>
internal static class SeedCorpus
{
    private static readonly string[] Methods = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "PROPFIND"];

    public static async Task WriteAsync(string dir)
    {
        Directory.CreateDirectory(dir);
        var mesh = await CaptureHelloAsync("relay-b.mesh.internal", MeshAlpn.Offered, SslProtocols.Tls13);
        Write(dir, "tls13-mesh-alpn.bin", mesh);
        Write(dir, "tls-h2-http11-alpn.bin", await CaptureHelloAsync("api.example", [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11], SslProtocols.None));
        Write(dir, "tls12-http11-alpn.bin", await CaptureHelloAsync("api.example", [SslApplicationProtocol.Http11], SslProtocols.Tls12));
        Write(dir, "tls-no-alpn.bin", await CaptureHelloAsync("db.example", null, SslProtocols.None));
        Write(dir, "tls13-mesh-fragmented.bin", Fragment(mesh, 3));
        Write(dir, "partial-tls13-mesh-half.bin", mesh[..(mesh.Length / 2)]);
        Write(dir, "partial-tls-record-header.bin", mesh[..5]);
        foreach (var method in Methods)
        {
            var target = method == "CONNECT" ? "api.example:443" : method == "OPTIONS" ? "*" : "/orders/17?verbose=1";
            Write(dir, $"http11-{method.ToLowerInvariant()}.txt", Ascii($"{method} {target} HTTP/1.1\r\nHost: api.example\r\nUser-Agent: seed\r\n\r\n"));
        }
        Write(dir, "http10-get.txt", Ascii("GET / HTTP/1.0\r\n\r\n"));
        Write(dir, "http11-absolute-form.txt", Ascii("GET http://api.example/ HTTP/1.1\r\nHost: api.example\r\n\r\n"));
        Write(dir, "http09-get.txt", Ascii("GET /\r\n"));
        Write(dir, "partial-http-method.txt", Ascii("GE"));
        Write(dir, "partial-http-target.txt", Ascii("POST /upload/ch"));
        Write(dir, "partial-http-version.txt", Ascii("GET / HTTP/1."));
        // Around the 8 KiB request-line limit: one line that just fits, one that just does not.
        Write(dir, "http11-long-request-line-fits.txt", Ascii($"GET /{new string('a', HttpPrefaceParser.MaxRequestLine - 16)} HTTP/1.1\r\n\r\n"));
        Write(dir, "http11-long-request-line-over.txt", Ascii($"GET /{new string('a', HttpPrefaceParser.MaxRequestLine)} HTTP/1.1\r\n\r\n"));
        var preface = Ascii("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
        byte[] settings = [0, 0, 6, 4, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 100];
        Write(dir, "h2-preface-settings.bin", [.. preface, .. settings]);
        Write(dir, "partial-h2-preface.bin", preface[..10]);
        Write(dir, "garbage-ssh-banner.txt", Ascii("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n"));
        Write(dir, "garbage-redis-ping.txt", Ascii("*1\r\n$4\r\nPING\r\n"));
        Write(dir, "garbage-zeros.bin", new byte[32]);
        Write(dir, "garbage-tls-oversized-record.bin", [0x16, 0x03, 0x01, 0xFF, 0xFF, 0x01, 0x00, 0xFF, 0xFB]);
        var random = new byte[64];
        new Random(12).NextBytes(random);
        Write(dir, "garbage-random.bin", random);
    }

    private static void Write(string dir, string name, byte[] bytes) => File.WriteAllBytes(Path.Combine(dir, name), bytes);

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    /// <summary>The same handshake message re-framed over <paramref name="records"/> TLS records (RFC 8446 §5.1 allows it).</summary>
    private static byte[] Fragment(byte[] hello, int records)
    {
        var message = hello.AsSpan(5, (hello[3] << 8) | hello[4]);
        var output = new List<byte>();
        var size = (message.Length + records - 1) / records;
        for (var offset = 0; offset < message.Length; offset += size)
        {
            var piece = message[offset..Math.Min(message.Length, offset + size)];
            output.AddRange([0x16, hello[1], hello[2], (byte)(piece.Length >> 8), (byte)piece.Length]);
            output.AddRange(piece.ToArray());
        }
        return [.. output];
    }

    /// <summary>A real ClientHello: an SslStream client against a listener that only peeks and never answers.</summary>
    private static async Task<byte[]> CaptureHelloAsync(string host, List<SslApplicationProtocol>? alpn, SslProtocols protocols)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var client = new TcpClient();
        var accept = listener.AcceptSocketAsync(cts.Token).AsTask();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port, cts.Token);
        using var server = await accept;
        using var ssl = new SslStream(client.GetStream());
        var handshake = ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = host,
            ApplicationProtocols = alpn,
            EnabledSslProtocols = protocols,
        }, cts.Token);
        var buffer = new byte[ClientHelloPeek.MaxPeekBytes];
        while (true)
        {
            var n = await server.ReceiveAsync(buffer, SocketFlags.Peek, cts.Token);
            if (n > 0 && ClientHelloPeek.Parse(buffer.AsSpan(0, n)).Status != ClientHelloPeekStatus.NeedMoreData)
            {
                server.Close();
                // The server never answered, so the client's handshake fails: expected.
                await handshake.ContinueWith(_ => { }, TaskScheduler.Default);
                return buffer[..n];
            }
            await Task.Delay(10, cts.Token);
        }
    }
}
