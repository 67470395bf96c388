using QuantaProxy.Crypto.Formats;
using QuantaProxy.Gateway.Errors;

namespace QuantaProxy.Gateway.Http;

/// <summary>Bounds shared by every endpoint: ids, names and free-text fields.</summary>
public static class InputRules
{
    public const int MaxNameLength = 200;

    /// <summary>An id from the path: a malformed one is simply not found (404), like an id of another tenant.</summary>
    public static string Id(string? value, string prefix, string what) =>
        PrefixedId.IsValid(value, prefix) ? value! : throw ApiException.NotFound(what);

    public static string Name(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value)) throw ApiException.BadRequest($"{field} must not be empty.", field);
        if (value.Length > MaxNameLength) throw ApiException.BadRequest($"{field} is longer than {MaxNameLength} characters.", field);
        foreach (var c in value)
            if (char.IsControl(c)) throw ApiException.BadRequest($"{field} contains a control character.", field);
        return value;
    }

    /// <summary>A whole number from the query, given at most once, within [min, max]; absent → <paramref name="fallback"/>.</summary>
    public static long QueryLong(HttpContext http, string name, long fallback, long min, long max)
    {
        var values = http.Request.Query[name];
        if (values.Count == 0) return fallback;
        if (values.Count > 1 || !long.TryParse(values[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
            || value < min || value > max)
            throw ApiException.BadRequest($"{name} must be a whole number from {min} to {max}.", name);
        return value;
    }
}
