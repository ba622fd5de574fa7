using System.Collections.Immutable;

namespace Relay.Core.Config;

/// <summary>capture → <see cref="CaptureSnapshot"/> with defaults applied.</summary>
internal static class CaptureCompiler
{
    public static CaptureSnapshot Compile(CaptureConfig capture) => new(
        capture.OutboundPort?.Value ?? ConfigDefaults.OutboundPort,
        capture.InboundPort?.Value ?? ConfigDefaults.InboundPort,
        capture.OutboundPolicy?.Value ?? ConfigDefaults.DefaultOutboundPolicy,
        capture.RunAs?.Value ?? ConfigDefaults.RunAs,
        ConfigCompiler.Values(capture.ExcludeUids, []),
        ConfigCompiler.Values(capture.ExcludeOutboundPorts, []),
        ConfigCompiler.Values(capture.ExcludeInboundPorts, [.. ConfigDefaults.ExcludeInboundPorts]),
        ConfigCompiler.Values(capture.ExcludeCidrs, []),
        capture.Ipv6?.Value ?? ConfigDefaults.Ipv6);
}
