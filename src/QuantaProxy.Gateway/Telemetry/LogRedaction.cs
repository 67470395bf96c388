using System.Text.RegularExpressions;

namespace QuantaProxy.Gateway.Telemetry;

/// <summary>
/// The rule set that keeps credentials and payloads out of logs (PRODUCT.md "structured logs with secrets redacted").
/// Two kinds of rules: names — a header, a structured-log key, a JSON property or a <c>name=value</c> pair whose name
/// says "secret" has its whole value replaced — and value patterns that recognise a secret wherever it appears (API
/// keys, <c>SSWS</c>/<c>Bearer</c>/<c>DPoP</c> credentials, JWTs, long hex or base64 blobs). Over-redaction is the safe
/// failure: ids, trace ids, paths and event names are shaped so that no rule matches them.
/// </summary>
public static partial class LogRedaction
{
    public const string Marker = "[REDACTED]";

    /// <summary>Longer text is cut before the rules run: a log line is never a place for more, and the rules stay linear in it.</summary>
    public const int MaxTextLength = 16 * 1024;

    /// <summary>JSON nested deeper than this inside a log line is replaced whole rather than searched level by level.</summary>
    private const int MaxJsonDepth = 16;

    // Every rule has a time budget: a line built to make a pattern slow is redacted whole instead of slowing the logger.
    private const int MatchTimeoutMs = 250;

    /// <summary>Headers whose values are credentials, always.</summary>
    public static readonly IReadOnlySet<string> SensitiveHeaders = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "Authorization", "X-API-Key", "DPoP", "Cookie", "Set-Cookie", "Proxy-Authorization",
    };

    /// <summary>Names (normalised: lower case, no <c>-</c> <c>_</c> <c>.</c>) whose values are secrets or payloads.</summary>
    private static readonly HashSet<string> SensitiveNames = new(StringComparer.Ordinal)
    {
        "authorization", "proxyauthorization", "xapikey", "apikey", "dpop", "cookie", "setcookie",
        "hmackey", "seed",
        // Payloads: request and response bodies, and what the vault or an envelope holds.
        "body", "payload", "requestbody", "responsebody", "content", "plaintext",
    };

    /// <summary>Fragments that make any name sensitive: <c>client_secret</c>, <c>private_key_jwk</c>, <c>access_token</c>, <c>client_assertion</c>, <c>password</c>.</summary>
    private static readonly string[] SensitiveFragments = ["secret", "token", "password", "passwd", "privatekey", "assertion", "credentialvalue"];

    /// <summary>Whether a value under this name (header, log key, JSON property, form field) must never be logged.</summary>
    public static bool IsSensitiveName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 100) return false;
        Span<char> buffer = stackalloc char[name.Length];
        var n = 0;
        foreach (var c in name)
            if (c is not ('-' or '_' or '.' or ' ')) buffer[n++] = char.ToLowerInvariant(c);
        var normalised = new string(buffer[..n]);
        if (SensitiveNames.Contains(normalised)) return true;
        foreach (var fragment in SensitiveFragments)
            if (normalised.Contains(fragment, StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>A header's value as it may be logged.</summary>
    public static string RedactHeader(string name, string? value) =>
        SensitiveHeaders.Contains(name) || IsSensitiveName(name) ? Marker : Redact(value ?? "");

    /// <summary>
    /// Applies every value rule to free text (a log message, an exception's text, a structured value). Fails closed: text
    /// a rule cannot finish within its time budget comes back as <see cref="Marker"/> alone.
    /// </summary>
    public static string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text)) return text ?? "";
        if (text.Length > MaxTextLength) text = text[..MaxTextLength] + "…[truncated]";
        try
        {
            var result = RedactJsonMembers(text, 0);
            result = UrlQuery().Replace(result, m => m.Groups["url"].Value + "?" + QueryValue().Replace(m.Groups["query"].Value, "=" + Marker));
            result = NameValue().Replace(result, m => IsSensitiveName(m.Groups["name"].Value) ? $"{m.Groups["name"].Value}{m.Groups["sep"].Value}{Marker}" : m.Value);
            result = HeaderLine().Replace(result, m => IsSensitiveName(m.Groups["name"].Value) ? $"{m.Groups["name"].Value}{m.Groups["sep"].Value}{Marker}" : m.Value);
            result = SchemeCredential().Replace(result, m => $"{m.Groups["scheme"].Value} {Marker}");
            result = ApiKey().Replace(result, "qp_live_" + Marker);
            result = Jwt().Replace(result, Marker);
            result = LongHex().Replace(result, Marker);
            result = LongBase64().Replace(result, m => LooksRandom(m.Value) ? Marker : m.Value);
            return result;
        }
        catch (RegexMatchTimeoutException)
        {
            return Marker;
        }
    }

    /// <summary>Sensitive JSON members lose their value; other members' object and array values are searched in turn, to a bounded depth.</summary>
    private static string RedactJsonMembers(string text, int depth) => JsonMember().Replace(text, m =>
    {
        var head = m.Groups["head"].Value;
        var value = m.Groups["value"].Value;
        if (IsSensitiveName(m.Groups["name"].Value)) return $"{head}\"{Marker}\"";
        if (value.Length == 0 || value[0] is not ('{' or '[')) return m.Value;
        return depth >= MaxJsonDepth ? $"{head}\"{Marker}\"" : head + value[0] + RedactJsonMembers(value[1..], depth + 1);
    });

    /// <summary>
    /// Base64 of random bytes mixes upper case, lower case and digits throughout; paths, ULIDs and identifiers of the
    /// same length do not (a ULID has no lower case, a path's words do not switch case letter by letter).
    /// </summary>
    internal static bool LooksRandom(string run)
    {
        bool upper = false, lower = false, digit = false;
        var switches = 0;
        for (var i = 0; i < run.Length; i++)
        {
            var c = run[i];
            upper |= char.IsAsciiLetterUpper(c);
            lower |= char.IsAsciiLetterLower(c);
            digit |= char.IsAsciiDigit(c);
            if (i > 0 && char.IsAsciiLetter(c) && char.IsAsciiLetter(run[i - 1]) && char.IsAsciiLetterUpper(c) != char.IsAsciiLetterUpper(run[i - 1])) switches++;
        }
        return upper && lower && digit && switches >= 6;
    }

    /// <summary>A JSON member <c>"name": value</c>; the value is a string, a balanced object or array, or a scalar.</summary>
    [GeneratedRegex("""(?<head>"(?<name>[^"\\]{1,100})"\s*:\s*)(?<value>"(?:[^"\\]|\\.)*"|\{(?>"(?:[^"\\]|\\.)*"|[^{}"]+|\{(?<o>)|\}(?<-o>))*(?(o)(?!))\}|\[(?>"(?:[^"\\]|\\.)*"|[^\[\]"]+|\[(?<a>)|\](?<-a>))*(?(a)(?!))\]|[^,}\]\s]+)""", RegexOptions.CultureInvariant, MatchTimeoutMs)]
    private static partial Regex JsonMember();

    /// <summary>
    /// The query of an absolute URL. Every value goes, whatever its name: a proxied Okta call carries the caller's
    /// payload there (search terms, e-mail addresses), and the forwarder logs its target URL.
    /// </summary>
    [GeneratedRegex("""(?<url>\b[A-Za-z][A-Za-z0-9+.-]*://[^\s?#"'<>]+)\?(?<query>[^\s#"'<>]*)""", RegexOptions.CultureInvariant, MatchTimeoutMs)]
    private static partial Regex UrlQuery();

    [GeneratedRegex("""=[^&;]*""", RegexOptions.CultureInvariant, MatchTimeoutMs)]
    private static partial Regex QueryValue();

    /// <summary>A query-string or form pair <c>name=value</c>, ending at <c>&amp;</c>, <c>;</c>, a quote or white space.</summary>
    [GeneratedRegex("""(?<![\w-])(?<name>[A-Za-z][\w.-]{0,63})(?<sep>=)(?<value>[^&;\s"',}]*)""", RegexOptions.CultureInvariant, MatchTimeoutMs)]
    private static partial Regex NameValue();

    /// <summary>A header-style line <c>Name: value</c>; the value runs to the end of the line.</summary>
    [GeneratedRegex("""(?<![\w-])(?<name>[A-Za-z][\w-]{0,63})(?<sep>:[ \t]*)(?<value>[^\r\n]+)""", RegexOptions.CultureInvariant, MatchTimeoutMs)]
    private static partial Regex HeaderLine();

    /// <summary>An Authorization-style credential: <c>SSWS 00abc…</c>, <c>Bearer …</c>, <c>DPoP …</c>, <c>Basic …</c>.</summary>
    [GeneratedRegex("""(?<scheme>\b(?:SSWS|Bearer|DPoP|Basic))\s+[A-Za-z0-9._~+/=-]{12,}""", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, MatchTimeoutMs)]
    private static partial Regex SchemeCredential();

    [GeneratedRegex("""qp_live_[A-Za-z0-9_-]+""", RegexOptions.CultureInvariant, MatchTimeoutMs)]
    private static partial Regex ApiKey();

    /// <summary>A compact JWS/JWE: base64url JSON header (<c>eyJ</c>) and at least two more dot-separated parts.</summary>
    [GeneratedRegex("""eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*){0,2}""", RegexOptions.CultureInvariant, MatchTimeoutMs)]
    private static partial Regex Jwt();

    /// <summary>40 or more hex digits: keys and digests (trace ids, 32, and span ids, 16, stay readable).</summary>
    [GeneratedRegex("""(?<![0-9A-Za-z])[0-9a-fA-F]{40,}(?![0-9A-Za-z])""", RegexOptions.CultureInvariant, MatchTimeoutMs)]
    private static partial Regex LongHex();

    /// <summary>40 or more base64 or base64url characters, judged by <see cref="LooksRandom"/>.</summary>
    [GeneratedRegex("""(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{40,}={0,2}""", RegexOptions.CultureInvariant, MatchTimeoutMs)]
    private static partial Regex LongBase64();
}
