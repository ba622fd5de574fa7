using System.Security.Authentication;

namespace Relay.Core.Config;

/// <summary>Where this host's certificate, key and trust bundle live; the lowest TLS version allowed.</summary>
public sealed record TlsSnapshot(string CertPath, string KeyPath, string TrustBundlePath, SslProtocols MinVersion);
