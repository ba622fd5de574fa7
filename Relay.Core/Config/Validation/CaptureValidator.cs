using System.Text.RegularExpressions;

namespace Relay.Core.Config.Validation;

/// <summary>capture: port ranges, user names or uids, no repeated entries (collisions: PortCollisionValidator).</summary>
internal static partial class CaptureValidator
{
    // Linux uids are 32-bit; 4294967295 is (uid_t)-1, "no user", which iptables' --uid-owner rejects.
    private const long MaxUid = 4_294_967_294;

    public static void Validate(CaptureConfig capture, ConfigErrorSink errors)
    {
        ValueRules.Port(capture.OutboundPort, errors);
        ValueRules.Port(capture.InboundPort, errors);
        User(capture.RunAs, errors);
        foreach (var uid in capture.ExcludeUids?.Items ?? [])
        {
            User(uid, errors);
        }
        ValueRules.NoDuplicates(capture.ExcludeUids, errors);
        ValueRules.Ports(capture.ExcludeOutboundPorts, errors);
        ValueRules.Ports(capture.ExcludeInboundPorts, errors);
        ValueRules.NoDuplicates(capture.ExcludeCidrs, errors);
    }

    private static void User(Located<string>? user, ConfigErrorSink errors)
    {
        if (user is null)
        {
            return;
        }
        var text = user.Value;
        var valid = text.All(char.IsAsciiDigit) ? long.TryParse(text, out var uid) && uid <= MaxUid : UserName().IsMatch(text);
        if (!valid)
        {
            errors.Add(user.Location, $"'{text}' is not a user name or uid (names: lowercase letters, digits, '_', '-', at most 32 characters)");
        }
    }

    // useradd's default NAME_REGEX plus its 32-character limit.
    [GeneratedRegex("^[a-z_][a-z0-9_-]{0,30}[a-z0-9_$-]?$")]
    private static partial Regex UserName();
}
