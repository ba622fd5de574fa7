namespace Relay.Core.Config;

/// <summary>
/// mesh.yaml <c>services.NAME.health_check</c>, compiled: how each endpoint is actively probed
/// (docs/config.md, Active health checks). A <see cref="Path"/> means an HTTP GET expecting a
/// status in <see cref="Statuses"/>; none means a TCP connect (through mesh mTLS when meshed).
/// </summary>
public sealed record HealthCheckSnapshot(
    string? Path,
    StatusRange Statuses,
    TimeSpan Interval,
    TimeSpan Timeout,
    int HealthyThreshold,
    int UnhealthyThreshold,
    int JitterPercent)
{
    /// <summary>
    /// HAProxy's server check defaults (<c>inter 2s</c>, <c>rise 2</c>, <c>fall 3</c>; Envoy makes
    /// every one of these required), a 1 s timeout (Kubernetes probes' <c>timeoutSeconds</c> 1:
    /// a health path that needs longer is itself a symptom), and 10% jitter per interval (Envoy's
    /// <c>interval_jitter_percent</c>; HAProxy's <c>spread-checks</c> allows up to 50) so the
    /// checks of many Relays on one endpoint do not fall into step.
    /// </summary>
    public static readonly HealthCheckSnapshot Default = new(
        null, StatusRange.Default, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), 2, 3, 10);

    public bool IsHttp => Path is not null;
}

/// <summary>
/// HTTP statuses a health check accepts, both ends included. Default 200–399: Kubernetes'
/// httpGet probe and HAProxy's <c>option httpchk</c> (2xx and 3xx) both count a redirect as alive;
/// Envoy's default is 200 alone.
/// </summary>
public readonly record struct StatusRange(int Min, int Max)
{
    public static readonly StatusRange Default = new(200, 399);

    public bool Contains(int status) => status >= Min && status <= Max;

    public override string ToString() => Min == Max ? $"{Min}" : $"{Min}-{Max}";

    /// <summary>"200" or "200-399", each 100–599, low ≤ high.</summary>
    public static bool TryParse(string text, out StatusRange range, out string? error)
    {
        range = default;
        error = $"'{text}' is not a status or status range (e.g. 200 or 200-399, each 100-599)";
        var dash = text.IndexOf('-');
        var (low, high) = dash < 0 ? (text, text) : (text[..dash], text[(dash + 1)..]);
        if (!Status(low, out var min) || !Status(high, out var max) || min > max)
        {
            return false;
        }
        range = new StatusRange(min, max);
        error = null;
        return true;
    }

    private static bool Status(string text, out int status) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out status)
        && status is >= 100 and <= 599;
}
