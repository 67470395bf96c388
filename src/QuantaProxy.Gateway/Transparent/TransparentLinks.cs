using System.Text.RegularExpressions;

namespace QuantaProxy.Gateway.Transparent;

/// <summary>
/// Okta's <c>Link</c> headers pointed at the gateway, so an SDK that follows them keeps paging through QuantaProxy:
/// <c>&lt;https://org/api/v1/users?after=x&gt;</c> → <c>&lt;{gateway}/okta/{integration_id}/api/v1/users?after=x&gt;</c>, the path and
/// query kept byte for byte. A link to any other host, or outside Okta's API paths, is dropped: the SDK would send it the
/// caller's QuantaProxy key as its token.
/// </summary>
public static partial class TransparentLinks
{
    private const int MaxValueLength = 8192;

    [GeneratedRegex("""\G\s*,?\s*<([^<>]*)>((?:\s*;\s*[A-Za-z0-9!#$&+\-.^_`|~]+(?:=(?:"[^"]*"|[^;,<>]*))?)*)""", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex LinkValue();

    /// <summary>The rewritten header value, or null when no link of <paramref name="values"/> stays on Okta's API.</summary>
    public static string? Rewrite(IEnumerable<string> values, Uri oktaBase, string gatewayBase)
    {
        var rewritten = new List<string>();
        foreach (var value in values)
        {
            if (value.Length > MaxValueLength) continue;
            foreach (Match match in LinkValue().Matches(value))
                if (Target(match.Groups[1].Value, oktaBase) is { } pathAndQuery)
                    rewritten.Add($"<{gatewayBase}{pathAndQuery}>{match.Groups[2].Value}");
        }
        return rewritten.Count == 0 ? null : string.Join(", ", rewritten);
    }

    /// <summary>The target's path and query exactly as Okta wrote them, when it is the org's own API; else null.</summary>
    private static string? Target(string target, Uri oktaBase)
    {
        if (!Uri.TryCreate(target, UriKind.Absolute, out var link)) return null;
        if (!string.Equals(link.Scheme, oktaBase.Scheme, StringComparison.OrdinalIgnoreCase) || !string.Equals(link.Authority, oktaBase.Authority, StringComparison.OrdinalIgnoreCase))
            return null;
        var authorityEnd = target.IndexOf('/', target.IndexOf("://", StringComparison.Ordinal) + 3);
        if (authorityEnd < 0) return null;
        var pathAndQuery = target[authorityEnd..];
        if (!pathAndQuery.StartsWith("/api/v1/", StringComparison.Ordinal) && !pathAndQuery.StartsWith("/oauth2/v1/", StringComparison.Ordinal)) return null;
        // The rewritten link goes into a header: nothing that could end or split it.
        return pathAndQuery.All(c => c is > ' ' and < (char)0x7f && c is not ('<' or '>')) ? pathAndQuery : null;
    }
}
