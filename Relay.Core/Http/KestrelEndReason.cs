using Microsoft.AspNetCore.Connections.Features;
using Relay.Core.Vocabulary;

namespace Relay.Core.Http;

/// <summary>
/// Why Kestrel ended a connection, when Kestrel itself decided it (a 408 after the header timeout,
/// a 431, GOAWAY for a rapid reset): those requests never reach <see cref="HttpForwarding"/>, so
/// only Kestrel knows. Kestrel writes its end reason as the <c>error.type</c> tag into whatever
/// <see cref="IConnectionMetricsTagsFeature"/> the connection carries (HttpConnection does so for
/// every connection, metrics listener or not), so Relay's connection context carries this one and
/// reads the tag back: a public seam, no reflection, and the tag values are Kestrel's documented
/// <c>kestrel.connection.duration</c> error types.
/// </summary>
internal sealed class KestrelEndReason : IConnectionMetricsTagsFeature
{
    private const string ErrorTypeTag = "error.type";

    private readonly List<KeyValuePair<string, object?>> _tags = [];

    public ICollection<KeyValuePair<string, object?>> Tags => _tags;

    /// <summary>
    /// Kestrel's error type, e.g. <c>request_headers_timeout</c>; null when it ended the connection
    /// normally. Read once Kestrel is done with the connection (it adds the tag as its last step).
    /// </summary>
    public string? ErrorType => _tags.LastOrDefault(t => t.Key == ErrorTypeTag).Value as string;

    /// <summary>Relay's reason for what Kestrel saw; null for a normal end or one Relay's own stages already named.</summary>
    public CloseReason? Reason => Map(ErrorType);

    internal static CloseReason? Map(string? errorType) => errorType switch
    {
        null => null,
        "request_headers_timeout" => CloseReason.RequestHeadersTimeout,
        "keep_alive_timeout" => CloseReason.IdleTimeout,
        "min_request_body_data_rate" or "min_response_data_rate" => CloseReason.ClientTooSlow,
        "stream_reset_limit_exceeded" or "flow_control_queue_size_exceeded" or "output_queue_size_exceeded" => CloseReason.Http2Flood,
        "connection_reset" => CloseReason.ClientReset,
        // 431: its own reason, as Envoy counts downstream_rq_header_too_large apart from other
        // malformed requests, since it is the one an honest client (a big cookie) hits. A 414 is
        // Kestrel's invalid_request_line, which it shares with every malformed request line.
        "max_request_header_count_exceeded" or "max_request_headers_total_size_exceeded" => CloseReason.RequestHeadersTooLarge,
        "app_shutdown_timeout" => CloseReason.DrainDeadline,
        // After response headers the forwarder's own reason (upstream_reset...) is the one to keep.
        "error_after_starting_response" or "aborted_by_app" => null,
        // Every other type is a malformed or over-limit request (invalid_request_line, max_request_header_count_exceeded,
        // invalid_handshake, frame_after_stream_close...): the client broke HTTP.
        _ => CloseReason.ClientProtocolError,
    };
}
