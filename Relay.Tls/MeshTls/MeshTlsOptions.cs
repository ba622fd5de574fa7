using System.Net.Security;

namespace Relay.Tls.MeshTls;

/// <summary>Options for one server-side handshake plus the verdict its callback fills in.</summary>
public sealed record MeshServerOptions(SslServerAuthenticationOptions Options, PeerVerdict Verdict);

/// <summary>Options for one client-side handshake plus the verdict its callback fills in.</summary>
public sealed record MeshClientOptions(SslClientAuthenticationOptions Options, PeerVerdict Verdict);
