using System.Collections.Immutable;

namespace Relay.Tls.Identity;

/// <summary>
/// Who may call an inbound port. An absent allow list admits any peer that passed mesh mTLS
/// (its certificate already chains to the bundle and sits in our trust domain); a present list,
/// even an empty one, denies everything it does not match.
/// </summary>
public static class AuthorizationPolicy
{
    public static AuthorizationDecision Decide(ImmutableArray<SpiffeIdPattern>? allow, SpiffeId peer)
    {
        if (allow is not { } patterns)
        {
            return AuthorizationDecision.Allow;
        }
        foreach (var pattern in patterns)
        {
            if (pattern.Matches(peer))
            {
                return AuthorizationDecision.Allow;
            }
        }
        return AuthorizationDecision.Deny(patterns.IsEmpty
            ? $"{peer} denied: the allow list is empty"
            : $"{peer} matches none of the {patterns.Length} allowed pattern(s)");
    }
}
