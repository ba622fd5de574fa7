using System.Globalization;
using System.Net;

namespace Relay.Core.Config.Reading;

/// <summary>
/// The values of a service's <c>dns:</c> (<c>NAME</c> or <c>NAME:PORT</c>) and <c>srv:</c>
/// (<c>NAME</c>). A name is RFC 1035 shaped: at most 253 characters, labels of 1 to 63 letters,
/// digits, '-' and '_' (SRV owner names begin with <c>_service._proto</c>, RFC 2782). An IP
/// literal is refused: it has nothing to resolve, and belongs in <c>endpoints</c>.
/// </summary>
internal static class DnsNameParser
{
    private const int MaxName = 253;
    private const int MaxLabel = 63;

    public static bool TryAddress(string text, out DnsSourceConfig value, out string? error)
    {
        var colon = text.LastIndexOf(':');
        int? port = null;
        var name = text;
        if (colon >= 0)
        {
            if (!int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p is < 1 or > 65535)
            {
                (value, error) = (null!, $"expected NAME or NAME:PORT with a port from 1 to 65535, got '{text}'");
                return false;
            }
            (name, port) = (text[..colon], p);
        }
        value = new DnsSourceConfig(DnsRecordKind.Address, name, port);
        return TryName(name, out error);
    }

    public static bool TrySrv(string text, out DnsSourceConfig value, out string? error)
    {
        value = new DnsSourceConfig(DnsRecordKind.Srv, text, null);
        return TryName(text, out error);
    }

    private static bool TryName(string name, out string? error)
    {
        var bare = name.EndsWith('.') ? name[..^1] : name;
        if (IPAddress.TryParse(bare, out _))
        {
            error = $"'{name}' is an IP address, not a name; list it under endpoints";
            return false;
        }
        if (bare.Length is 0 or > MaxName)
        {
            error = $"a DNS name has 1 to {MaxName} characters, got {bare.Length}";
            return false;
        }
        foreach (var label in bare.Split('.'))
        {
            if (label.Length is 0 or > MaxLabel || !label.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                error = $"'{name}' is not a DNS name: each dot-separated label has 1 to {MaxLabel} letters, digits, '-' or '_'";
                return false;
            }
        }
        error = null;
        return true;
    }
}
