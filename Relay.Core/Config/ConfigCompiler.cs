using System.Collections.Frozen;
using System.Collections.Immutable;

namespace Relay.Core.Config;

/// <summary>
/// A validated <see cref="MeshFileConfig"/> → <see cref="ConfigSnapshot"/>: applies defaults
/// and builds the lookup structures. Only called when validation found no errors, so a missing
/// required value here is a bug, not user input.
/// </summary>
internal static class ConfigCompiler
{
    public static ConfigSnapshot Compile(MeshFileConfig file, ConfigSource source)
    {
        var limits = CompileLimits(file.Limits);
        var tls = TlsCompiler.Compile(file.Tls, source.Path);
        var inbound = file.Inbound.Select(p => InboundCompiler.Compile(p, tls is not null, limits)).ToImmutableArray();
        var services = file.Services.Select(s => ServiceCompiler.Compile(s, file.Services, limits)).ToImmutableArray();
        return new ConfigSnapshot
        {
            Revision = source.Revision,
            SourcePath = source.Path,
            SourceText = source.Text,
            Mesh = CompileMesh(file.Mesh ?? throw new InvalidOperationException("compiling a config without a mesh section")),
            Tls = tls,
            Capture = CaptureCompiler.Compile(file.Capture),
            Admin = new AdminSnapshot(file.Admin.Address?.Value ?? ConfigDefaults.AdminAddress),
            Limits = limits,
            Inbound = inbound,
            InboundByPort = inbound.ToFrozenDictionary(p => p.Port),
            Services = services,
            ServicesByName = services.ToFrozenDictionary(s => s.Name, StringComparer.Ordinal),
            Routes = RouteTable.Build(services),
            Listeners = [.. file.Listeners.Select(l => ListenerCompiler.Compile(l, services))],
            Tracing = CompileTracing(file.Tracing),
            Discovery = CompileDiscovery(file.Discovery),
        };
    }

    private static DiscoverySnapshot CompileDiscovery(DiscoveryConfig? discovery) => discovery is null
        ? DiscoverySnapshot.Default
        : new(
            Values(discovery.Resolvers, []),
            discovery.MinTtl?.Value ?? ConfigDefaults.DiscoveryMinTtl,
            discovery.MaxTtl?.Value ?? ConfigDefaults.DiscoveryMaxTtl,
            discovery.QueryTimeout?.Value ?? ConfigDefaults.DiscoveryQueryTimeout);

    private static TracingSnapshot? CompileTracing(TracingConfig? tracing) => tracing is null ? null : new(
        Required(tracing.OtlpEndpoint).Value,
        tracing.Protocol?.Value ?? OtlpProtocol.HttpProtobuf,
        tracing.SamplingRatio?.Value ?? ConfigDefaults.TracingSamplingRatio,
        tracing.MaxQueueSize?.Value ?? ConfigDefaults.TracingMaxQueueSize,
        tracing.MaxExportBatchSize?.Value ?? Math.Min(ConfigDefaults.TracingMaxExportBatchSize, tracing.MaxQueueSize?.Value ?? int.MaxValue),
        tracing.ScheduleDelay?.Value ?? ConfigDefaults.TracingScheduleDelay,
        tracing.ExportTimeout?.Value ?? ConfigDefaults.TracingExportTimeout,
        tracing.ServiceName?.Value ?? ConfigDefaults.TracingServiceName);

    private static MeshSnapshot CompileMesh(MeshConfig mesh) => new(
        Required(mesh.TrustDomain).Value,
        mesh.Identity?.Value.ToString())
    {
        Zone = mesh.Zone?.Value,
    };

    private static LimitsSnapshot CompileLimits(LimitsConfig limits)
    {
        var perDirection = limits.MaxConnections?.Value ?? ConfigDefaults.MaxConnections;
        return new(
            perDirection,
            limits.ConnectTimeout?.Value ?? ConfigDefaults.ConnectTimeout,
            limits.IdleTimeout?.Value ?? ConfigDefaults.IdleTimeout,
            limits.DrainTimeout?.Value ?? ConfigDefaults.DrainTimeout,
            limits.BufferSize?.Value ?? ConfigDefaults.BufferSize)
        {
            MaxInboundConnections = limits.MaxInboundConnections?.Value ?? perDirection,
            MaxOutboundConnections = limits.MaxOutboundConnections?.Value ?? perDirection,
            MaxUnauthenticatedPerSource = limits.MaxUnauthenticatedPerSource?.Value ?? ConfigDefaults.MaxUnauthenticatedPerSource,
            InboundHandshakeTimeout = limits.InboundHandshakeTimeout?.Value ?? ConfigDefaults.InboundHandshakeTimeout,
            FirstByteTimeout = limits.FirstByteTimeout?.Value ?? ConfigDefaults.FirstByteTimeout,
            HttpRequestHeadersTimeout = limits.HttpRequestHeadersTimeout?.Value ?? ConfigDefaults.HttpRequestHeadersTimeout,
            HttpKeepAliveTimeout = limits.HttpKeepAliveTimeout?.Value ?? ConfigDefaults.HttpKeepAliveTimeout,
        };
    }

    public static Located<T> Required<T>(Located<T>? value) =>
        value ?? throw new InvalidOperationException("compiling a config whose validation missed a required value");

    public static ImmutableArray<T> Values<T>(ConfigList<T>? list, ImmutableArray<T> fallback) =>
        list is null ? fallback : [.. list.Items.Select(i => i.Value)];
}
