using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Relay.Tests.Support;

namespace Relay.Tests.Observability;

/// <summary>
/// A real Prometheus (Debian's `prometheus`) on loopback that scrapes one target every second, and
/// its HTTP query API. Test data lives in a temp directory removed on dispose.
/// </summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    /// <summary>Prometheus 2.42 opened its TSDB and answered /-/ready in 1-3 s here under load.</summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly string _dir;
    private readonly HttpClient _http;

    private PrometheusServer(Process process, string dir, int port)
    {
        _process = process;
        _dir = dir;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public static async Task<PrometheusServer> StartAsync(IPEndPoint target)
    {
        var dir = Directory.CreateTempSubdirectory("relay-prometheus-").FullName;
        var port = FreePorts.Next();
        // 1 s scrapes: a test's traffic is a few seconds long. The timeout is the whole interval: on a
        // loaded 2-core VM a scrape took longer than 900 ms and the missed samples skewed rate().
        File.WriteAllText(Path.Combine(dir, "prometheus.yml"), $$"""
            global: { scrape_interval: 1s, scrape_timeout: 1s }
            scrape_configs:
              - job_name: relay
                static_configs: [{ targets: ["{{target}}"] }]
            """);
        var info = new ProcessStartInfo("prometheus") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { $"--config.file={dir}/prometheus.yml", $"--storage.tsdb.path={dir}/data", $"--web.listen-address=127.0.0.1:{port}" })
        {
            info.ArgumentList.Add(arg);
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start prometheus");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new PrometheusServer(process, dir, port);
        await server.WaitReadyAsync();
        return server;
    }

    /// <summary>One instant query whose result is a single sample; null when the vector is empty.</summary>
    public async Task<double?> ScalarAsync(string promql)
    {
        var json = await _http.GetStringAsync("api/v1/query?query=" + Uri.EscapeDataString(promql));
        using var doc = JsonDocument.Parse(json);
        Assert.Equal("success", doc.RootElement.GetProperty("status").GetString());
        var result = doc.RootElement.GetProperty("data").GetProperty("result");
        if (result.GetArrayLength() == 0)
        {
            return null;
        }
        Assert.True(result.GetArrayLength() == 1, $"{promql} returned {result.GetArrayLength()} series: {json}");
        var value = result[0].GetProperty("value")[1].GetString()!;
        return double.Parse(value, CultureInfo.InvariantCulture);
    }

    /// <summary>How many series an instant query returns (0: no data); fails when Prometheus rejects the query.</summary>
    public async Task<int> SeriesCountAsync(string promql)
    {
        using var response = await _http.GetAsync("api/v1/query?query=" + Uri.EscapeDataString(promql));
        var json = await response.Content.ReadAsStringAsync();
        using var doc = JsonDocument.Parse(json);
        Assert.True(doc.RootElement.GetProperty("status").GetString() == "success", $"{promql}: {json}");
        var data = doc.RootElement.GetProperty("data");
        return data.GetProperty("resultType").GetString() == "vector" ? data.GetProperty("result").GetArrayLength() : 1;
    }

    /// <summary>Polls a query until it returns <paramref name="expected"/> (the last scrape may lag the traffic by a second).</summary>
    public async Task WaitForValueAsync(string promql, double expected, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        double? last = null;
        while (DateTime.UtcNow < until)
        {
            last = await ScalarAsync(promql);
            if (last == expected)
            {
                return;
            }
            await Task.Delay(250);
        }
        Assert.Fail($"{promql} = {last?.ToString(CultureInfo.InvariantCulture) ?? "(empty)"} after {timeout}, expected {expected}");
    }

    /// <summary>The scrape target's health as Prometheus sees it ("up", "down", "unknown").</summary>
    public async Task<string> TargetHealthAsync()
    {
        using var doc = JsonDocument.Parse(await _http.GetStringAsync("api/v1/targets"));
        var active = doc.RootElement.GetProperty("data").GetProperty("activeTargets");
        return active.GetArrayLength() == 0 ? "none" : active[0].GetProperty("health").GetString()!;
    }

    private async Task WaitReadyAsync()
    {
        var until = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < until)
        {
            Assert.False(_process.HasExited, "prometheus exited at start");
            try
            {
                if ((await _http.GetAsync("-/ready")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(200);
        }
        Assert.Fail($"prometheus not ready within {StartTimeout}");
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
