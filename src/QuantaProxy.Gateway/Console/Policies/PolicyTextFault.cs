using System.Text.Json;
using System.Text.Json.Nodes;

namespace QuantaProxy.Gateway.WebConsole.Policies;

/// <summary>
/// Where an upload refusal puts the fault in the submitted text: the problem's <c>line</c> and <c>column</c> members
/// (<c>ActivePolicySet.Compile</c> sets them for <c>policy_syntax</c> and <c>policy_schema</c>), and its detail as the reason.
/// </summary>
public sealed record PolicyTextFault(int Line, int Column, string Reason)
{
    /// <summary>The fault a refusal names, or null for a refusal that names no position (too large, a concurrent upload, a scope).</summary>
    public static PolicyTextFault? From(JsonNode? problem)
    {
        if (problem is not JsonObject o || Positive(o["line"]) is not { } line || Positive(o["column"]) is not { } column) return null;
        var detail = o["detail"] is JsonValue d && d.TryGetValue<string>(out var text) ? text : "";
        // The detail says the position for readers of the raw problem; the page shows it once, from the members.
        var prefix = $"Line {line}, column {column}: ";
        return new PolicyTextFault(line, column, detail.StartsWith(prefix, StringComparison.Ordinal) ? detail[prefix.Length..] : detail);
    }

    private static int? Positive(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var n) && n >= 1 ? n : null;

    /// <summary>
    /// The text as lines, numbered from 1 as the parser numbers them. Browsers submit a textarea with CRLF line ends; the page
    /// sends LF (<see cref="Normalize"/>), so only LF splits.
    /// </summary>
    public static string[] Lines(string text) => text.Split('\n');

    /// <summary>A textarea comes back with CRLF line ends whatever the person typed: the stored text keeps LF, as a .cedar file in git does.</summary>
    public static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
}
