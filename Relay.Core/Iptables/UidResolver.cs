using System.Collections.Immutable;
using System.Globalization;

namespace Relay.Core.Iptables;

/// <summary>
/// Turns <c>capture.run_as</c> plus <c>capture.exclude_uids</c> (names or numbers) into the
/// ordered, de-duplicated uid list for <c>-m owner --uid-owner</c>. Relay's own uid is always
/// first: it is the rule that stops Relay's upstream connections being captured again.
/// Numeric uids are taken as is (owner match needs no passwd entry); names must resolve.
/// </summary>
internal static class UidResolver
{
    public static (ImmutableArray<int> Uids, ImmutableArray<string> Errors) Resolve(
        string runAs, IEnumerable<string> excludeUids, Func<string, int?> lookup)
    {
        var uids = new List<int>();
        var errors = new List<string>();
        foreach (var (user, role) in Users(runAs, excludeUids))
        {
            var uid = ResolveOne(user, lookup);
            if (uid is null)
            {
                errors.Add($"capture.{role}: user '{user}' does not exist on this host (getent passwd found no uid)");
            }
            else if (!uids.Contains(uid.Value))
            {
                uids.Add(uid.Value);
            }
        }

        return ([.. uids], [.. errors]);
    }

    private static IEnumerable<(string User, string Role)> Users(string runAs, IEnumerable<string> excludeUids)
    {
        yield return (runAs, "run_as");
        foreach (var user in excludeUids)
        {
            yield return (user, "exclude_uids");
        }
    }

    private static int? ResolveOne(string user, Func<string, int?> lookup)
    {
        if (uint.TryParse(user, NumberStyles.None, CultureInfo.InvariantCulture, out var numeric))
        {
            // uids are 32-bit unsigned in the kernel, but (uid_t)-1 means "no uid" and values above
            // int.MaxValue never appear in practice; refusing them keeps the list an int list.
            return numeric <= int.MaxValue ? (int)numeric : null;
        }

        return string.IsNullOrWhiteSpace(user) ? null : lookup(user);
    }
}
