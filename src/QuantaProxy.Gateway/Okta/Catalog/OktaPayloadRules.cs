using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace QuantaProxy.Gateway.Okta.Catalog;

/// <summary>Type and bound checks shared by every catalog entry. Refusals name the member, never its value.</summary>
internal static partial class OktaPayloadRules
{
    public const int MaxIdLength = 100;

    /// <summary>Reads an object's members once, refusing duplicates and members the operation does not declare.</summary>
    public static Dictionary<string, JsonElement> Members(JsonElement obj, string path, IReadOnlySet<string> allowed)
    {
        if (obj.ValueKind != JsonValueKind.Object) throw new PayloadValidationException(path, $"{path} must be a JSON object.");
        var members = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in obj.EnumerateObject())
        {
            if (!allowed.Contains(property.Name))
                throw new PayloadValidationException(path, $"{path} has a member this operation does not accept.");
            if (!members.TryAdd(property.Name, property.Value))
                throw new PayloadValidationException($"{path}.{property.Name}", $"{path}.{property.Name} appears more than once.");
        }
        return members;
    }

    public static string Id(JsonElement value, string field)
    {
        var text = String(value, field, MaxIdLength);
        if (text.Length == 0) throw new PayloadValidationException(field, $"{field} must not be empty.");
        // "." and ".." are removed by Uri (and by servers) as dot segments, turning e.g. update_user into create_user;
        // a leading or trailing dot is what some servers trim, so none of them is an id.
        if (IsDotSegment(text) || text.Contains("..", StringComparison.Ordinal) || text[0] == '.' || text[^1] == '.' || !IdPattern().IsMatch(text))
            throw new PayloadValidationException(field, $"{field} must be an Okta id or login: letters, digits and . _ @ + - only, not starting or ending with '.', without '..'.");
        return text;
    }

    /// <summary>
    /// True for a path segment that means "this folder" or "the parent" in any spelling: dots and percent-encoded dots
    /// (<c>%2e</c>, <c>%2E</c>, doubly encoded <c>%252e</c>) only.
    /// </summary>
    public static bool IsDotSegment(string segment)
    {
        var text = segment;
        for (var round = 0; round < 4 && text.Contains('%', StringComparison.Ordinal); round++)
            text = text.Replace("%25", "%", StringComparison.Ordinal).Replace("%2e", ".", StringComparison.OrdinalIgnoreCase);
        if (text.Length == 0) return false;
        foreach (var c in text)
            if (c != '.') return false;
        return true;
    }

    public static string String(JsonElement value, string field, int maxLength)
    {
        if (value.ValueKind != JsonValueKind.String) throw new PayloadValidationException(field, $"{field} must be a string.");
        var text = value.GetString()!;
        if (text.Length > maxLength) throw new PayloadValidationException(field, $"{field} must be at most {maxLength} characters.");
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsControl(c)) throw new PayloadValidationException(field, $"{field} must not contain control characters.");
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { i++; continue; }
            if (char.IsSurrogate(c)) throw new PayloadValidationException(field, $"{field} must be valid Unicode text.");
        }
        return text;
    }

    public static string NonEmpty(JsonElement value, string field, int maxLength)
    {
        var text = String(value, field, maxLength);
        if (text.Trim().Length == 0) throw new PayloadValidationException(field, $"{field} must not be empty.");
        return text;
    }

    public static int Integer(JsonElement value, string field, int min, int max)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
            throw new PayloadValidationException(field, $"{field} must be an integer.");
        if (number < min || number > max) throw new PayloadValidationException(field, $"{field} must be between {min} and {max}.");
        return number;
    }

    public static bool Boolean(JsonElement value, string field) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw new PayloadValidationException(field, $"{field} must be true or false."),
    };

    public static string Timestamp(JsonElement value, string field)
    {
        var text = String(value, field, 64);
        if (!Rfc3339Pattern().IsMatch(text) || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            throw new PayloadValidationException(field, $"{field} must be an RFC 3339 timestamp such as 2025-01-31T12:00:00Z.");
        return text;
    }

    public static string SortOrder(JsonElement value, string field)
    {
        var text = String(value, field, 16);
        if (text is not ("ASCENDING" or "DESCENDING")) throw new PayloadValidationException(field, $"{field} must be ASCENDING or DESCENDING.");
        return text;
    }

    public static string Choice(JsonElement value, string field, IReadOnlyList<string> choices)
    {
        var text = String(value, field, 64);
        foreach (var choice in choices)
            if (string.Equals(choice, text, StringComparison.Ordinal)) return choice;
        throw new PayloadValidationException(field, $"{field} must be one of {string.Join(", ", choices)}.");
    }

    public static string Email(JsonElement value, string field)
    {
        var text = NonEmpty(value, field, 100);
        var at = text.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at != text.LastIndexOf('@') || at == text.Length - 1 || text.Contains(' ', StringComparison.Ordinal))
            throw new PayloadValidationException(field, $"{field} must be an email address.");
        return text;
    }

    [GeneratedRegex("^[A-Za-z0-9._@+-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339Pattern();
}
