using System.Globalization;
using System.Text;

namespace QuantaProxy.Policy.Parsing;

/// <summary>
/// Resolves escapes in a string literal's body the way Cedar does (Rust's string escapes): <c>\n \r \t \\ \0 \' \"</c>,
/// <c>\xHH</c> up to 0x7F, and <c>\u{H..}</c> (1–6 hex digits, underscores allowed after the first, no surrogates).
/// In a <c>like</c> pattern <c>\*</c> is a literal star and every other star is a wildcard.
/// </summary>
internal static class StringEscapes
{
    public static string Unescape(string body, SourceLocation loc)
    {
        var sb = new StringBuilder(body.Length);
        Walk(body, loc, (c, escapedStar) => sb.Append(escapedStar ? "*" : c), allowStarEscape: false);
        return sb.ToString();
    }

    /// <summary>The pattern's elements: a string for each literal run and null for each wildcard.</summary>
    public static List<string?> ParsePattern(string body, SourceLocation loc)
    {
        var parts = new List<string?>();
        var current = new StringBuilder();
        Walk(body, loc, (c, escapedStar) =>
        {
            if (!escapedStar && c == "*")
            {
                if (current.Length > 0)
                {
                    parts.Add(current.ToString());
                    current.Clear();
                }
                // Consecutive wildcards mean the same as one.
                if (parts.Count == 0 || parts[^1] is not null)
                {
                    parts.Add(null);
                }
            }
            else
            {
                current.Append(escapedStar ? "*" : c);
            }
        }, allowStarEscape: true);
        if (current.Length > 0)
        {
            parts.Add(current.ToString());
        }
        return parts;
    }

    private static void Walk(string s, SourceLocation loc, Action<string, bool> emit, bool allowStarEscape)
    {
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (c == '\r')
            {
                throw new PolicyParseException("bare carriage return in string literal", loc);
            }
            if (c != '\\')
            {
                if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                {
                    emit(s.Substring(i, 2), false);
                    i += 2;
                }
                else
                {
                    emit(c.ToString(), false);
                    i++;
                }
                continue;
            }
            if (i + 1 >= s.Length)
            {
                throw new PolicyParseException("the input `\\` is not a valid escape", loc);
            }
            var e = s[i + 1];
            switch (e)
            {
                case 'n': emit("\n", false); i += 2; break;
                case 'r': emit("\r", false); i += 2; break;
                case 't': emit("\t", false); i += 2; break;
                case '\\': emit("\\", false); i += 2; break;
                case '0': emit("\0", false); i += 2; break;
                case '\'': emit("'", false); i += 2; break;
                case '"': emit("\"", false); i += 2; break;
                case '*' when allowStarEscape: emit("*", true); i += 2; break;
                case 'x':
                    {
                        if (i + 3 >= s.Length)
                        {
                            throw Invalid(s, i, Math.Min(s.Length, i + 4), loc);
                        }
                        var hex = s.Substring(i + 2, 2);
                        if (!hex.All(char.IsAsciiHexDigit) || !int.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var v) || v > 0x7F)
                        {
                            throw Invalid(s, i, i + 4, loc);
                        }
                        emit(((char)v).ToString(), false);
                        i += 4;
                        break;
                    }
                case 'u':
                    {
                        if (i + 2 >= s.Length || s[i + 2] != '{')
                        {
                            throw Invalid(s, i, Math.Min(s.Length, i + 3), loc);
                        }
                        var close = s.IndexOf('}', i + 3);
                        if (close < 0)
                        {
                            throw Invalid(s, i, s.Length, loc);
                        }
                        var inner = s[(i + 3)..close];
                        var digits = inner.Replace("_", "", StringComparison.Ordinal);
                        if (inner.Length == 0 || inner[0] == '_' || digits.Length is 0 or > 6 || !digits.All(char.IsAsciiHexDigit))
                        {
                            throw Invalid(s, i, close + 1, loc);
                        }
                        var cp = int.Parse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
                        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
                        {
                            throw Invalid(s, i, close + 1, loc);
                        }
                        emit(char.ConvertFromUtf32(cp), false);
                        i = close + 1;
                        break;
                    }
                default:
                    throw Invalid(s, i, Math.Min(s.Length, i + 2), loc);
            }
        }
    }

    private static PolicyParseException Invalid(string s, int from, int to, SourceLocation loc) =>
        new($"the input `{s[from..Math.Min(to, s.Length)]}` is not a valid escape", loc);
}
