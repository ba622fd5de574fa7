namespace Relay.Tls.Certificates;

/// <summary>
/// What to put in a certificate issued by <see cref="CertificateAuthority.Issue"/>. The defaults
/// make a correct X509-SVID; the other switches exist so tests can make every wrong certificate
/// the validators must reject (two URI SANs, CA:true, expired, missing EKU, RSA keys ...).
/// </summary>
public sealed record LeafOptions(IReadOnlyList<string> UriSans, DateTimeOffset NotBefore, DateTimeOffset NotAfter)
{
    public bool IsCa { get; init; }

    public bool ServerAuth { get; init; } = true;

    public bool ClientAuth { get; init; } = true;

    public LeafKeyKind Key { get; init; } = LeafKeyKind.EcdsaP256;

    /// <summary>Subject CN; SPIFFE ignores the subject, it only helps people reading the cert.</summary>
    public string CommonName { get; init; } = "relay";

    public static LeafOptions ForIdentity(string spiffeId, DateTimeOffset now, TimeSpan lifetime) =>
        new([spiffeId], now.AddMinutes(-5), now + lifetime);
}

public enum LeafKeyKind
{
    EcdsaP256,
    Rsa2048,
}
