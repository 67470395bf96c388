using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace QuantaProxy.OktaSandbox.Query;

/// <summary>The comparison operators of Okta's filter language (SCIM, RFC 7644 §3.4.2.2).</summary>
internal enum FilterOperator
{
    Eq,
    Ne,
    Sw,
    Ew,
    Co,
    Pr,
    Gt,
    Ge,
    Lt,
    Le,
}

/// <summary>A parsed <c>search</c> or <c>filter</c> expression, evaluated against an org object's JSON.</summary>
internal abstract record FilterExpression
{
    public abstract bool Matches(JsonObject item);
}

internal sealed record AndExpression(FilterExpression Left, FilterExpression Right) : FilterExpression
{
    public override bool Matches(JsonObject item) => Left.Matches(item) && Right.Matches(item);
}

internal sealed record OrExpression(FilterExpression Left, FilterExpression Right) : FilterExpression
{
    public override bool Matches(JsonObject item) => Left.Matches(item) || Right.Matches(item);
}

internal sealed record NotExpression(FilterExpression Inner) : FilterExpression
{
    public override bool Matches(JsonObject item) => !Inner.Matches(item);
}

/// <summary>
/// <c>path op value</c> (or <c>path pr</c>). The value is a string, number, boolean or null literal; on a date attribute it is a
/// parsed instant, so dates compare as instants whatever their offset or precision.
/// </summary>
internal sealed record Comparison(string[] Path, FilterOperator Operator, JsonValue? Value, DateTimeOffset? Instant, bool CaseSensitive) : FilterExpression
{
    public override bool Matches(JsonObject item)
    {
        var leaves = new List<JsonNode?>();
        Collect(item, 0, leaves);
        return Operator switch
        {
            FilterOperator.Pr => leaves.Any(IsPresent),
            // ne is "no value equals": a missing attribute is not equal to anything.
            FilterOperator.Ne => !leaves.Any(l => Compare(l, FilterOperator.Eq)),
            _ => leaves.Any(l => Compare(l, Operator)),
        };
    }

    /// <summary>The values at the path; an array on the way is searched element by element, as SCIM does for multi-valued attributes.</summary>
    private void Collect(JsonNode? node, int depth, List<JsonNode?> into)
    {
        if (node is JsonArray array)
        {
            foreach (var element in array) Collect(element, depth, into);
            return;
        }
        if (depth == Path.Length)
        {
            into.Add(node);
            return;
        }
        if (node is JsonObject obj && obj.TryGetPropertyValue(Path[depth], out var child)) Collect(child, depth + 1, into);
    }

    private static bool IsPresent(JsonNode? node) => node switch
    {
        null => false,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>().Length > 0,
        JsonValue v => v.GetValueKind() != JsonValueKind.Null,
        JsonObject o => o.Count > 0,
        _ => true,
    };

    private bool Compare(JsonNode? leaf, FilterOperator op)
    {
        if (Value is null) return op == FilterOperator.Eq && !IsPresent(leaf);
        if (leaf is not JsonValue actual) return false;
        if (Instant is { } instant)
            return actual.GetValueKind() == JsonValueKind.String && IsoTime.TryParse(actual.GetValue<string>(), out var at) && Ordered(at.CompareTo(instant), op);
        var expected = Value.GetValueKind();
        var kind = actual.GetValueKind();
        if (expected == JsonValueKind.String)
        {
            if (kind != JsonValueKind.String) return false;
            var text = actual.GetValue<string>();
            var wanted = Value.GetValue<string>();
            var comparison = CaseSensitive ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
            return op switch
            {
                FilterOperator.Sw => text.StartsWith(wanted, comparison),
                FilterOperator.Ew => text.EndsWith(wanted, comparison),
                FilterOperator.Co => text.Contains(wanted, comparison),
                _ => Ordered(string.Compare(text, wanted, comparison), op),
            };
        }
        if (expected is JsonValueKind.True or JsonValueKind.False)
            return kind is JsonValueKind.True or JsonValueKind.False && op == FilterOperator.Eq && kind == expected;
        if (expected == JsonValueKind.Number && kind == JsonValueKind.Number && actual.TryGetValue<decimal>(out var number) && Value.TryGetValue<decimal>(out var bound))
            return Ordered(number.CompareTo(bound), op);
        return false;
    }

    private static bool Ordered(int sign, FilterOperator op) => op switch
    {
        FilterOperator.Eq => sign == 0,
        FilterOperator.Gt => sign > 0,
        FilterOperator.Ge => sign >= 0,
        FilterOperator.Lt => sign < 0,
        FilterOperator.Le => sign <= 0,
        _ => false,
    };
}

/// <summary>ISO 8601 instants as Okta writes and accepts them (<c>2014-01-01T00:00:00.000Z</c>, or with an offset).</summary>
internal static class IsoTime
{
    private static readonly string[] Formats = ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mmK"];

    public static bool TryParse(string? text, out DateTimeOffset instant)
    {
        instant = default;
        // The longest form with seven fraction digits and an offset is 33 characters.
        if (text is null || text.Length > 40) return false;
        return DateTimeOffset.TryParseExact(text, Formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out instant);
    }
}
