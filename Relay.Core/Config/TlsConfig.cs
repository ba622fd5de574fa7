using System.Security.Authentication;

namespace Relay.Core.Config;

/// <summary>mesh.yaml <c>tls</c>: certificate, key and trust bundle files, minimum TLS version.</summary>
internal sealed record TlsConfig(
    ConfigLocation Location,
    Located<string>? Cert,
    Located<string>? Key,
    Located<string>? TrustBundle,
    Located<SslProtocols>? MinVersion);
