using System.Text.Json;
using Relay.Core.Net;
using Relay.Core.Observability;
using Relay.Core.Runtime;

namespace Relay.Daemon.Commands;

/// <summary>GET /stats from a running Relay's admin endpoint, for relay stat and relay top.</summary>
internal sealed class StatsClient(NetEndpoint admin) : IDisposable
{
    /// <summary>The admin answers from memory; 5 s only absorbs a loaded host.</summary>
    private readonly HttpClient _http = new() { BaseAddress = new Uri($"http://{admin}/"), Timeout = TimeSpan.FromSeconds(5) };

    /// <summary>A snapshot, or why there is none (not running, not a Relay, an old Relay without /stats).</summary>
    public async Task<(TrafficView? View, string? Error)> GetAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.GetAsync("stats", cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return (null, $"{_http.BaseAddress}stats answered {(int)response.StatusCode}");
            }
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            return (JsonSerializer.Deserialize(body, AdminViewsJsonContext.Default.TrafficView), null);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
        {
            return (null, $"cannot read {_http.BaseAddress}stats: {ex.Message}");
        }
    }

    public void Dispose() => _http.Dispose();
}
