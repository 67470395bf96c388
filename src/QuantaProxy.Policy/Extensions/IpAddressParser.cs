using QuantaProxy.Policy.Values;

namespace QuantaProxy.Policy.Extensions;

/// <summary>
/// Cedar's <c>ip("…")</c>: an IPv4 or IPv6 address with an optional <c>/prefix</c>, following the rules of the
/// reference implementation: at most 43 characters; IPv4 octets are 1–3 digits without leading zeros; IPv6 groups
/// are 1–4 hex digits with at most one <c>::</c>; IPv4 embedded in IPv6 is refused; the prefix has no sign or leading
/// zero and is at most 32 or 128.
/// </summary>
internal static class IpAddressParser
{
    private const int MaxLength = 43;

    public static bool TryParse(string s, out IpAddressValue? value)
    {
        value = null;
        if (s.Length > MaxLength || (CountOf(s, ':') >= 2 && CountOf(s, '.') >= 2))
        {
            return false;
        }
        var slash = s.IndexOf('/', StringComparison.Ordinal);
        var addrText = slash < 0 ? s : s[..slash];
        bool isV4;
        UInt128 addr;
        if (TryParseV4(addrText, out var v4))
        {
            isV4 = true;
            addr = v4;
        }
        else if (TryParseV6(addrText, out var v6))
        {
            isV4 = false;
            addr = v6;
        }
        else
        {
            return false;
        }
        var width = isV4 ? 32 : 128;
        var prefix = width;
        if (slash >= 0)
        {
            var p = s[(slash + 1)..];
            if (p.Length == 0 || p.Length > (isV4 ? 2 : 3) || !p.All(char.IsAsciiDigit) || (p.Length > 1 && p[0] == '0'))
            {
                return false;
            }
            prefix = int.Parse(p, System.Globalization.CultureInfo.InvariantCulture);
            if (prefix > width)
            {
                return false;
            }
        }
        value = new IpAddressValue(addr, isV4, prefix);
        return true;
    }

    private static int CountOf(string s, char c)
    {
        var n = 0;
        foreach (var ch in s)
        {
            if (ch == c)
            {
                n++;
            }
        }
        return n;
    }

    private static bool TryParseV4(string s, out uint addr)
    {
        addr = 0;
        var parts = s.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }
        foreach (var part in parts)
        {
            if (part.Length is 0 or > 3 || !part.All(char.IsAsciiDigit) || (part.Length > 1 && part[0] == '0'))
            {
                return false;
            }
            var octet = int.Parse(part, System.Globalization.CultureInfo.InvariantCulture);
            if (octet > 255)
            {
                return false;
            }
            addr = (addr << 8) | (uint)octet;
        }
        return true;
    }

    private static bool TryParseV6(string s, out UInt128 addr)
    {
        addr = 0;
        var compression = s.IndexOf("::", StringComparison.Ordinal);
        List<ushort>? head;
        List<ushort>? tail;
        if (compression < 0)
        {
            head = ParseGroups(s);
            if (head is null || head.Count != 8)
            {
                return false;
            }
            tail = [];
        }
        else
        {
            if (s.IndexOf("::", compression + 1, StringComparison.Ordinal) >= 0)
            {
                return false;
            }
            head = compression == 0 ? [] : ParseGroups(s[..compression]);
            var rest = s[(compression + 2)..];
            tail = rest.Length == 0 ? [] : ParseGroups(rest);
            // "::" stands for at least one zero group.
            if (head is null || tail is null || head.Count + tail.Count > 7)
            {
                return false;
            }
        }
        var groups = new ushort[8];
        for (var i = 0; i < head.Count; i++)
        {
            groups[i] = head[i];
        }
        for (var i = 0; i < tail.Count; i++)
        {
            groups[8 - tail.Count + i] = tail[i];
        }
        foreach (var g in groups)
        {
            addr = (addr << 16) | g;
        }
        return true;
    }

    private static List<ushort>? ParseGroups(string s)
    {
        var result = new List<ushort>();
        foreach (var part in s.Split(':'))
        {
            if (part.Length is 0 or > 4 || !part.All(char.IsAsciiHexDigit))
            {
                return null;
            }
            result.Add(ushort.Parse(part, System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture));
        }
        return result;
    }
}
