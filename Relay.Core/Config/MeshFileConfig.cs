namespace Relay.Core.Config;

/// <summary>
/// mesh.yaml as written, section by section. Absent optional sections are empty records (every
/// field null) so the compiler applies defaults in one place; a null field means "not given" or
/// "given but invalid and already reported". Mesh is null only when its section is missing or broken.
/// </summary>
internal sealed record MeshFileConfig(
    MeshConfig? Mesh,
    TlsConfig? Tls,
    CaptureConfig Capture,
    AdminConfig Admin,
    LimitsConfig Limits,
    IReadOnlyList<InboundPortConfig> Inbound,
    IReadOnlyList<ServiceConfig> Services,
    IReadOnlyList<ListenerConfig> Listeners)
{
    /// <summary>mesh.yaml <c>tracing</c>; null when absent (no spans are made).</summary>
    public TracingConfig? Tracing { get; init; }

    /// <summary>mesh.yaml <c>discovery</c>; null when absent (the defaults, the host's resolvers).</summary>
    public DiscoveryConfig? Discovery { get; init; }
}
