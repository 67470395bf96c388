using QuantaProxy.Policy.Values;

namespace QuantaProxy.Policy.Extensions;

/// <summary>
/// Cedar's <c>decimal("…")</c>: optional minus, digits, a dot, one to four digits; the value scaled by 10^4 must fit
/// a signed 64-bit integer.
/// </summary>
internal static class DecimalParser
{
    private const int FractionDigits = 4;

    public static bool TryParse(string s, out DecimalValue? value, out string error)
    {
        value = null;
        var dot = s.IndexOf('.', StringComparison.Ordinal);
        var negative = s.StartsWith('-');
        var intStart = negative ? 1 : 0;
        if (dot < 0 || dot == intStart || dot == s.Length - 1 || !AllDigits(s, intStart, dot) || !AllDigits(s, dot + 1, s.Length))
        {
            error = $"`{s}` is not a well-formed decimal value";
            return false;
        }
        var fraction = s[(dot + 1)..];
        if (fraction.Length > FractionDigits)
        {
            error = $"too many digits after the decimal in `{s}`";
            return false;
        }
        error = "overflow when converting to decimal";
        // Integer part first (with its sign), then the fraction added away from zero, each step checked.
        Int128 whole = 0;
        for (var i = intStart; i < dot; i++)
        {
            whole = whole * 10 + (s[i] - '0');
            if (whole > (Int128)long.MaxValue + 1)
            {
                return false;
            }
        }
        if (negative)
        {
            whole = -whole;
        }
        if (whole > long.MaxValue || whole < long.MinValue)
        {
            return false;
        }
        var scaled = whole * 10000;
        if (scaled > long.MaxValue || scaled < long.MinValue)
        {
            return false;
        }
        Int128 frac = long.Parse(fraction, System.Globalization.CultureInfo.InvariantCulture);
        for (var i = fraction.Length; i < FractionDigits; i++)
        {
            frac *= 10;
        }
        var result = negative ? scaled - frac : scaled + frac;
        if (result > long.MaxValue || result < long.MinValue)
        {
            return false;
        }
        value = new DecimalValue((long)result);
        error = "";
        return true;
    }

    private static bool AllDigits(string s, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            if (!char.IsAsciiDigit(s[i]))
            {
                return false;
            }
        }
        return true;
    }
}
