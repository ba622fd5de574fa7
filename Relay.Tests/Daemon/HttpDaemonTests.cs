using System.Diagnostics;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Relay.Tests.Http;
using Relay.Tests.Support;
using Xunit.Abstractions;

namespace Relay.Tests.Daemon;

/// <summary>
/// The L7 path of the real daemon (`relay run` as a child process, DaemonProcess), where its
/// memory, descriptors and SIGTERM can be observed from outside: 1 GiB each way with SHA-256 at
/// the far end and RSS sampled; the upstream kill matrix for 1,000 rounds with the descriptor
/// count before and after; drain with an HTTP/1.1 and an h2 request in flight.
/// </summary>
[Trait("Tier", "Loopback")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class HttpDaemonTests(ITestOutputHelper output) : IDisposable
{
    private const long GiB = 1L << 30;

    /// <summary>
    /// Growth of the daemon's RSS allowed during a 1 GiB transfer. A proxy that buffered the body
    /// would grow by ~1 GiB; Relay holds per connection its pipes (64 KiB segments), Kestrel's
    /// request buffer (1 MiB, MaxRequestBufferSize) and response buffer (64 KiB), the forwarder's
    /// 64 KiB copy buffer and the upstream socket's: a few MiB. The rest is the GC's headroom
    /// after a burst of short-lived buffers; 64 MiB is 16x under the body size and ~9x the growth
    /// measured (JIT daemon, 2026-12-01: 73 MiB before, 80 MiB peak over both transfers).
    /// </summary>
    private const long RssGrowthBound = 64L << 20;

    private static readonly TimeSpan TransferBound = TimeSpan.FromSeconds(180);

    private readonly string _dir = Directory.CreateTempSubdirectory("relay-l7-").FullName;
    private readonly int _h1Port = FreePorts.Next();
    private readonly int _h2Port = FreePorts.Next();
    private readonly int _adminPort = FreePorts.Next();

    [Fact]
    public async Task OneGiBUploadAndDownload_HashesMatch_AndRssStaysBounded()
    {
        await using var upstream = await UpstreamApp.StartAsync();
        await using var relay = await StartAsync(upstream.Port, h2Upstream: null);
        using var client = Client(HttpVersion.Version11, TransferBound);
        await WarmUpAsync(client);
        var baseline = RssBytes(relay);
        using var sampling = new CancellationTokenSource();
        var peak = SamplePeakRssAsync(relay, sampling.Token);

        var upload = Stopwatch.StartNew();
        var sent = new PatternContent(GiB);
        using var uploaded = await client.PostAsync($"http://127.0.0.1:{_h1Port}/sha256", sent);
        var farEnd = await uploaded.Content.ReadAsStringAsync();
        upload.Stop();
        var download = Stopwatch.StartNew();
        using var response = await client.GetAsync($"http://127.0.0.1:{_h1Port}/pattern?bytes={GiB}", HttpCompletionOption.ResponseHeadersRead);
        var (received, length) = await BodyPattern.HashAsync(await response.Content.ReadAsStreamAsync(), CancellationToken.None);
        download.Stop();
        await sampling.CancelAsync();
        var peakRss = await peak;

        output.WriteLine($"upload {upload.Elapsed.TotalSeconds:F1} s, download {download.Elapsed.TotalSeconds:F1} s; RSS baseline {baseline >> 20} MiB, peak {peakRss >> 20} MiB");
        Assert.Equal($"{sent.Sha256} {GiB}", farEnd);
        Assert.Equal((await BodyPattern.WriteAsync(Stream.Null, GiB, CancellationToken.None), GiB), (received, length));
        Assert.True(peakRss - baseline < RssGrowthBound, $"RSS grew from {baseline >> 20} MiB to {peakRss >> 20} MiB during a 1 GiB transfer");
        Assert.Contains("relay_requests_total{code_class=\"2xx\",direction=\"outbound\",route=\"-\",service=\"h1\"}", await ScrapeAsync());
    }

    /// <summary>
    /// The upstream dies before its response headers (502 with upstream_reset) or after them
    /// (the client's read fails: a reset HTTP/1.1 connection, an h2 RST_STREAM; never a clean
    /// short body), over HTTP/1.1 and h2, 1,000 rounds in all; then the daemon holds no more
    /// descriptors than before (after a settle: the kernel and the pools close what the resets
    /// left within a few hundred ms; polled for up to 15 s).
    /// </summary>
    [Fact]
    public async Task UpstreamKillMatrix_1000Rounds_502BeforeHeaders_FailedReadAfter_NoDescriptorLeak()
    {
        await using var h1 = await UpstreamApp.StartAsync();
        await using var h2 = await UpstreamApp.StartAsync(HttpProtocols.Http2);
        await using var relay = await StartAsync(h1.Port, h2.Port);
        using var http1 = Client(HttpVersion.Version11, TimeSpan.FromSeconds(20));
        using var http2 = Client(HttpVersion.Version20, TimeSpan.FromSeconds(20));
        for (var kind = 0; kind < 4; kind++)
        {
            await KillRoundAsync(kind, http1, http2); // warm up: every kind's connections exist before the count
        }
        await Task.Delay(1000);
        var before = Descriptors(relay);
        var started = Stopwatch.StartNew();
        var rounds = 0;
        for (; rounds < 1000 && started.Elapsed < TimeSpan.FromSeconds(240); rounds++)
        {
            await KillRoundAsync(rounds % 4, http1, http2);
        }
        var elapsed = started.Elapsed;
        var after = Descriptors(relay);
        var settle = Stopwatch.StartNew();
        while (settle.Elapsed < TimeSpan.FromSeconds(15) && (after = Descriptors(relay)).Connections > before.Connections)
        {
            await Task.Delay(200);
        }

        output.WriteLine($"{rounds} rounds in {elapsed.TotalSeconds:F1} s; sockets, pipes and event descriptors {before.Connections} before, {after.Connections} after {settle.Elapsed.TotalMilliseconds:F0} ms of settle; files {before.Files.Count} -> {after.Files.Count}: {string.Join(", ", after.Files.Except(before.Files).Select(Path.GetFileName))}");
        Assert.Equal(1000, rounds);
        Assert.True(after.Connections <= before.Connections, $"{after.Connections - before.Connections} descriptors leaked over 1,000 rounds ({before.Connections} before, {after.Connections} after 15 s)");
        // Files opened meanwhile may only be code the runtime loads on first use (the JIT daemon maps each assembly once).
        Assert.All(after.Files.Except(before.Files), f => Assert.True(f.EndsWith(".dll", StringComparison.Ordinal) || f.EndsWith(".so", StringComparison.Ordinal), f));
        var metrics = await ScrapeAsync();
        // 250 of each kind, plus the warm-up: every failure counted with its reason.
        Assert.Matches("relay_request_errors_total\\{direction=\"outbound\",reason=\"upstream_reset\",service=\"h1\"\\} 50[0-9]", metrics);
        Assert.Matches("relay_request_errors_total\\{direction=\"outbound\",reason=\"upstream_reset\",service=\"h2\"\\} 50[0-9]", metrics);
    }

    /// <summary>
    /// SIGTERM with an HTTP/1.1 and an h2 request in flight (the upstream answers after 3 s): the h2
    /// client gets GOAWAY at once, the HTTP/1.1 response carries <c>Connection: close</c>, both
    /// requests finish with their full answer, and the daemon exits 0 within drain_timeout (15 s).
    /// </summary>
    [Fact]
    public async Task Sigterm_GoAwayOnH2_ConnectionCloseOnHttp11_InFlightRequestsFinish()
    {
        await using var h1 = await UpstreamApp.StartAsync();
        await using var h2 = await UpstreamApp.StartAsync(HttpProtocols.Http2);
        await using var relay = await StartAsync(h1.Port, h2.Port);
        using var http11 = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await http11.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _h1Port));
        await SocketIo.SendAllAsync(http11, Encoding.ASCII.GetBytes("GET /slow?ms=3000 HTTP/1.1\r\nHost: x\r\n\r\n"));
        await using var http2 = await RawH2Client.ConnectAsync(_h2Port);
        await http2.SendGetAsync(1, "/slow?ms=3000");
        await Eventually.TrueAsync(() => h1.Requests == 1 && h2.Requests == 1, TimeSpan.FromSeconds(20));

        var stopping = Stopwatch.StartNew();
        relay.Signal(15); // SIGTERM
        var (lastStream, code) = await http2.GoAwayReceived.WaitAsync(TimeSpan.FromSeconds(5));
        var goAwayAfter = stopping.Elapsed;
        Assert.False(http2.Ended.ContainsKey(1), "the GOAWAY should come while the request is still in flight");
        var reply = Encoding.ASCII.GetString(await SocketIo.ReadToEndAsync(http11, TimeSpan.FromSeconds(20)));
        await Eventually.TrueAsync(() => http2.Ended.ContainsKey(1), TimeSpan.FromSeconds(20));
        var finished = stopping.Elapsed;
        var response = http2.Responses[1];
        var reset = http2.Resets.ContainsKey(1);
        // An h2 client closes once GOAWAY came and its streams are done (RFC 9113 §6.8); Kestrel waits for that.
        await http2.DisposeAsync();
        var exit = await relay.WaitForExitAsync();

        output.WriteLine($"GOAWAY (last stream {lastStream}, code {code}) {goAwayAfter.TotalMilliseconds:F0} ms after SIGTERM; both answered after {finished.TotalSeconds:F1} s; exit {exit} after {stopping.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(0u, code); // NO_ERROR: a graceful shutdown
        Assert.StartsWith("HTTP/1.1 200 ", reply);
        Assert.Contains("Connection: close", reply, StringComparison.OrdinalIgnoreCase);
        Assert.EndsWith("done", reply.TrimEnd('\r', '\n', '0'));
        Assert.Equal(200, response);
        Assert.False(reset, "the in-flight h2 request was reset");
        Assert.True(finished < TimeSpan.FromSeconds(15), $"the in-flight requests finished {finished} after SIGTERM, past drain_timeout");
        Assert.Equal(0, exit);
    }

    private async Task KillRoundAsync(int kind, HttpClient http1, HttpClient http2)
    {
        var (client, port) = kind < 2 ? (http1, _h1Port) : (http2, _h2Port);
        if (kind % 2 == 0)
        {
            using var refused = await client.GetAsync($"http://127.0.0.1:{port}/reset");
            Assert.Equal(HttpStatusCode.BadGateway, refused.StatusCode);
            Assert.Equal("upstream_reset", refused.Headers.GetValues("x-relay-error").Single());
            return;
        }
        using var response = await client.GetAsync($"http://127.0.0.1:{port}/die", HttpCompletionOption.ResponseHeadersRead);
        if (response.StatusCode == HttpStatusCode.BadGateway)
        {
            // On a loaded machine the upstream's reset can overtake its own headers (the kernel then
            // discards them unread): that round is a before-headers failure, answered as one.
            Assert.Equal("upstream_reset", response.Headers.GetValues("x-relay-error").Single());
            return;
        }
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStreamAsync();
        // 100,000 bytes announced, 1,000 sent: reading to the end must fail, never end short and clean.
        await Assert.ThrowsAnyAsync<Exception>(async () => await body.CopyToAsync(Stream.Null));
    }

    /// <summary>The daemon's descriptors: how many are not regular files (sockets, pipes, epoll, inotify), and which files.</summary>
    private static (int Connections, HashSet<string> Files) Descriptors(DaemonProcess relay)
    {
        var targets = Directory.GetFileSystemEntries($"/proc/{relay.Pid}/fd").Select(fd =>
        {
            try
            {
                return new FileInfo(fd).LinkTarget;
            }
            catch (IOException)
            {
                return null; // closed between the listing and the readlink
            }
        }).Where(t => t is not null).Select(t => t!).ToList();
        var files = targets.Where(t => t.StartsWith('/')).ToHashSet(StringComparer.Ordinal);
        return (targets.Count(t => !t.StartsWith('/')), files);
    }

    private async Task<DaemonProcess> StartAsync(int h1Upstream, int? h2Upstream, string limits = "")
    {
        var path = Path.Combine(_dir, "mesh.yaml");
        File.WriteAllText(path, $$"""
            mesh: { trust_domain: mesh.test }
            capture: { outbound_port: {{FreePorts.Next()}}, inbound_port: {{FreePorts.Next()}}, ipv6: false }
            admin: { address: "127.0.0.1:{{_adminPort}}" }
            limits: { drain_timeout: 15s{{limits}} }
            services:
              h1: { port: 80, endpoints: ["127.0.0.1:{{h1Upstream}}"], mesh_tls: false, protocol: http }
            {{(h2Upstream is { } h2 ? $"  h2: {{ port: 81, endpoints: [\"127.0.0.1:{h2}\"], mesh_tls: false, protocol: http2 }}\n" : "")}}listeners:
              - { address: "127.0.0.1:{{_h1Port}}", direction: outbound, service: h1 }
            {{(h2Upstream is null ? "" : $"  - {{ address: \"127.0.0.1:{_h2Port}\", direction: outbound, service: h2 }}\n")}}
            """);
        var relay = DaemonProcess.Start(_dir, path);
        await relay.WaitForDatagramAsync(m => m.StartsWith("READY=1", StringComparison.Ordinal));
        return relay;
    }

    private async Task WarmUpAsync(HttpClient client)
    {
        // The first HTTP connection starts Kestrel and JIT-compiles the path: not part of the bound.
        for (var i = 0; i < 3; i++)
        {
            using var response = await client.PostAsync($"http://127.0.0.1:{_h1Port}/sha256", new PatternContent(4 << 20));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    private async Task<string> ScrapeAsync()
    {
        using var admin = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        return await admin.GetStringAsync($"http://127.0.0.1:{_adminPort}/metrics");
    }

    private static HttpClient Client(Version version, TimeSpan timeout) => new(new SocketsHttpHandler { UseProxy = false })
    {
        DefaultRequestVersion = version,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = timeout,
    };

    private static long RssBytes(DaemonProcess relay)
    {
        var status = File.ReadAllLines($"/proc/{relay.Pid}/status");
        var line = status.Single(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }

    private static async Task<long> SamplePeakRssAsync(DaemonProcess relay, CancellationToken stop)
    {
        long peak = 0;
        while (!stop.IsCancellationRequested)
        {
            peak = Math.Max(peak, RssBytes(relay));
            try
            {
                await Task.Delay(100, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        return Math.Max(peak, RssBytes(relay));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A streamed request body of the pattern (chunked: no Content-Length), its SHA-256 known once sent.</summary>
    private sealed class PatternContent(long length) : HttpContent
    {
        public string Sha256 { get; private set; } = "";

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            Sha256 = await BodyPattern.WriteAsync(stream, length, CancellationToken.None);

        protected override bool TryComputeLength(out long computed)
        {
            computed = 0;
            return false;
        }
    }
}
