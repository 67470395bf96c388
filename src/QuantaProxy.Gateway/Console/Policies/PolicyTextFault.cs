using System.Globalization;
using System.Text.RegularExpressions;

namespace QuantaProxy.Gateway.WebConsole.Policies;

/// <summary>
/// Where an upload refusal puts the fault in the submitted text. The API states it in the problem's detail as
/// <c>Line N, column M: reason</c> (<c>ActivePolicySet.Compile</c>, for both <c>policy_syntax</c> and
/// <c>policy_schema</c>); the page reads it back from there rather than the API growing a second way to say the same thing.
/// </summary>
public sealed partial record PolicyTextFault(int Line, int Column, string Reason)
{
    /// <summary>The fault a refusal names, or null for a refusal that names no position (too large, a concurrent upload, a scope).</summary>
    public static PolicyTextFault? From(string? detail)
    {
        if (detail is null) return null;
        var match = Position().Match(detail);
        if (!match.Success) return null;
        if (!int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var line) || line < 1) return null;
        if (!int.TryParse(match.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var column) || column < 1) return null;
        return new PolicyTextFault(line, column, match.Groups[3].Value);
    }

    /// <summary>
    /// The text as lines, numbered from 1 as the parser numbers them. Browsers submit a textarea with CRLF line ends; the page
    /// sends LF (<see cref="Normalize"/>), so only LF splits.
    /// </summary>
    public static string[] Lines(string text) => text.Split('\n');

    /// <summary>A textarea comes back with CRLF line ends whatever the person typed: the stored text keeps LF, as a .cedar file in git does.</summary>
    public static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');

    [GeneratedRegex(@"^Line (\d{1,9}), column (\d{1,9}): (.*)$", RegexOptions.Singleline | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex Position();
}
