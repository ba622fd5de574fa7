namespace Relay.Core.Iptables;

/// <summary>
/// Finds a user's numeric uid. <c>getent passwd</c> first, because it asks NSS (LDAP, sssd,
/// systemd-sysusers) exactly as the kernel's users were created; /etc/passwd parsing is the
/// fallback for minimal images without getent.
/// </summary>
internal static class PasswdLookup
{
    /// <summary>getent answers from a local cache or NSS; 5 s bounds a hung directory service.</summary>
    private static readonly TimeSpan GetentTimeout = TimeSpan.FromSeconds(5);

    public static int? FindUid(string userName)
    {
        var getent = ProcessRunner.Run("getent", ["passwd", userName], stdin: null, GetentTimeout);
        if (getent.Started)
        {
            return getent.ExitCode == 0 ? ParseLine(getent.Stdout.Split('\n')[0], userName) : null;
        }

        return FindInFile("/etc/passwd", userName);
    }

    public static int? FindInFile(string path, string userName)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        foreach (var line in File.ReadLines(path))
        {
            var uid = ParseLine(line, userName);
            if (uid is not null)
            {
                return uid;
            }
        }

        return null;
    }

    /// <summary>A passwd line is <c>name:password:uid:gid:gecos:home:shell</c>.</summary>
    public static int? ParseLine(string line, string userName)
    {
        var fields = line.Split(':');
        if (fields.Length < 3 || fields[0] != userName)
        {
            return null;
        }

        return int.TryParse(fields[2], System.Globalization.NumberStyles.None, null, out var uid) ? uid : null;
    }
}
