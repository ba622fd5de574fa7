using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Relay.Tests.Support;

namespace Relay.Tests.Admin;

/// <summary>
/// Debian's chromium, headless, driven over the DevTools protocol on a loopback WebSocket (no
/// playwright download): navigate, evaluate an expression, take a screenshot. One page; the
/// profile lives in a temp directory removed on dispose.
/// </summary>
internal sealed class HeadlessChromium : IAsyncDisposable
{
    /// <summary>Chromium's first start on a loaded 2-core VM took several seconds here.</summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket = new();
    private int _nextId;

    private HeadlessChromium(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    public static async Task<HeadlessChromium> StartAsync()
    {
        var profile = Directory.CreateTempSubdirectory("relay-chromium-").FullName;
        var port = FreePorts.Next();
        var info = new ProcessStartInfo("chromium") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // --no-sandbox: tests run as root, where Chromium's sandbox refuses to start.
        foreach (var arg in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                     $"--user-data-dir={profile}", $"--remote-debugging-port={port}", "--remote-debugging-address=127.0.0.1", "--window-size=1280,900", "about:blank" })
        {
            info.ArgumentList.Add(arg);
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start chromium");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var browser = new HeadlessChromium(process, profile);
        await browser.AttachAsync(port);
        return browser;
    }

    public async Task NavigateAsync(string url)
    {
        await SendAsync("Page.enable", new Dictionary<string, object>());
        await SendAsync("Page.navigate", new Dictionary<string, object> { ["url"] = url });
    }

    /// <summary>The expression's value as text (null when it is null or undefined).</summary>
    public async Task<string?> EvaluateAsync(string expression)
    {
        var reply = await SendAsync("Runtime.evaluate", new Dictionary<string, object> { ["expression"] = $"String({expression})", ["returnByValue"] = true });
        var value = reply.GetProperty("result").GetProperty("result");
        return value.TryGetProperty("value", out var text) ? text.GetString() : null;
    }

    /// <summary>Polls until <paramref name="expression"/> evaluates to something <paramref name="accept"/> takes; returns it.</summary>
    public async Task<string> WaitForAsync(string expression, Func<string?, bool> accept, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        string? last = null;
        while (DateTime.UtcNow < until)
        {
            last = await EvaluateAsync(expression);
            if (accept(last))
            {
                return last!;
            }
            await Task.Delay(200);
        }
        Assert.Fail($"{expression} = {last ?? "(null)"} after {timeout}");
        return "";
    }

    public async Task<byte[]> ScreenshotAsync()
    {
        var reply = await SendAsync("Page.captureScreenshot", new Dictionary<string, object> { ["format"] = "png", ["captureBeyondViewport"] = true });
        return Convert.FromBase64String(reply.GetProperty("result").GetProperty("data").GetString()!);
    }

    private async Task AttachAsync(int port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var until = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            Assert.False(_process.HasExited, "chromium exited at start");
            try
            {
                using var list = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/json/list"));
                var page = list.RootElement.EnumerateArray().FirstOrDefault(t => t.GetProperty("type").GetString() == "page");
                if (page.ValueKind == JsonValueKind.Object)
                {
                    await _socket.ConnectAsync(new Uri(page.GetProperty("webSocketDebuggerUrl").GetString()!), CancellationToken.None);
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            Assert.True(DateTime.UtcNow < until, $"chromium's DevTools endpoint not up within {StartTimeout}");
            await Task.Delay(200);
        }
    }

    /// <summary>One command; skips events until the reply with its id arrives.</summary>
    private async Task<JsonElement> SendAsync(string method, Dictionary<string, object> parameters)
    {
        var id = ++_nextId;
        var request = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object> { ["id"] = id, ["method"] = method, ["params"] = parameters });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _socket.SendAsync(request, WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
        var buffer = new byte[1 << 16];
        while (true)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult result;
            do
            {
                result = await _socket.ReceiveAsync(buffer, timeout.Token);
                message.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);
            var reply = JsonDocument.Parse(message.ToArray()).RootElement;
            if (reply.TryGetProperty("id", out var replyId) && replyId.GetInt32() == id)
            {
                Assert.False(reply.TryGetProperty("error", out var error), $"{method}: {error}");
                return reply;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // A crashpad helper may still hold a file for a moment; the temp directory is reaped anyway.
        }
    }
}
