using System.Globalization;
using System.Text;

namespace QuantaProxy.Gateway.Audit;

/// <summary>
/// Makes caller-controlled text safe to store in the signed chain and to show to a person: control characters (which
/// forge log lines) and bidirectional or invisible formatting characters (which make text read other than it is, such
/// as U+202E) become <c>\uXXXX</c>; a backslash becomes <c>\\</c> so the escaping cannot be imitated.
/// </summary>
public static class AuditText
{
    public static string Escape(string text)
    {
        var i = 0;
        while (i < text.Length && !NeedsEscape(text[i])) i++;
        if (i == text.Length) return text;
        var escaped = new StringBuilder(text.Length + 16).Append(text, 0, i);
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\') escaped.Append(@"\\");
            else if (NeedsEscape(c)) escaped.Append(@"\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            else escaped.Append(c);
        }
        return escaped.ToString();
    }

    private static bool NeedsEscape(char c) =>
        c == '\\' || char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
}
