using System.Net;
using System.Net.Sockets;
using Relay.Core.Net;

namespace Relay.Core.Config.Reading;

/// <summary>
/// IP addresses, endpoints and CIDRs as mesh.yaml writes them. Stricter than the BCL: its
/// parsers accept "1" as 0.0.0.1, "010.1.1.1" as octal and "0x7f.0.0.1" as hex, and silently
/// mask host bits in "10.0.0.1/8"; in a config file each of those is almost surely a typo.
/// </summary>
internal static class AddressParsers
{
    public static bool Address(string text, out IPAddress value, out string? error)
    {
        error = null;
        if (TryStrictAddress(text, out value!))
        {
            return true;
        }
        error = $"'{text}' is not an IP address (e.g. 198.18.10.1 or fd00::1)";
        return false;
    }

    public static bool Endpoint(string text, out NetEndpoint value, out string? error)
    {
        error = null;
        var colon = text.LastIndexOf(':');
        var host = colon < 0 ? text : text[..colon];
        var bracketed = host.StartsWith('[') && host.EndsWith(']');
        if (NetEndpoint.TryParse(text, out value) && TryStrictAddress(bracketed ? host[1..^1] : host, out _))
        {
            return true;
        }
        error = $"'{text}' is not an address:port (e.g. 198.18.0.2:8080 or [fd00::2]:8080, port 1-65535)";
        return false;
    }

    public static bool Cidr(string text, out IPNetwork value, out string? error)
    {
        error = null;
        var slash = text.IndexOf('/');
        if (slash > 0 && TryStrictAddress(text[..slash], out var address) && IPNetwork.TryParse(text, out value))
        {
            if (value.BaseAddress.Equals(address))
            {
                return true;
            }
            error = $"'{text}' has host bits set; did you mean {value}?";
            return false;
        }
        value = default;
        error = $"'{text}' is not a CIDR (e.g. 10.0.0.0/8 or fd00::/8)";
        return false;
    }

    private static bool TryStrictAddress(string text, out IPAddress? address)
    {
        if (!IPAddress.TryParse(text, out address))
        {
            return false;
        }
        // IPv4 must be canonical dotted quad; IPv6 must be plain (no brackets, no %scope).
        var valid = address.AddressFamily == AddressFamily.InterNetwork
            ? address.ToString() == text
            : text.Contains(':') && !text.Contains('[') && !text.Contains('%');
        address = valid ? address : null;
        return valid;
    }
}
