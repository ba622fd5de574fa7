namespace Relay.Tls.Identity;

/// <summary>The verdict of an <see cref="AuthorizationPolicy"/>: allowed, or denied with a reason for the log.</summary>
public readonly record struct AuthorizationDecision(bool Allowed, string? Reason)
{
    public static AuthorizationDecision Allow { get; } = new(true, null);

    public static AuthorizationDecision Deny(string reason) => new(false, reason);
}
