using System.Globalization;

namespace QuantaProxy.Policy.Values;

/// <summary>
/// Cedar's <c>decimal</c> extension value: a fixed-point number with four fractional digits, stored as the
/// scaled 64-bit integer (so 1.5 is 15000). Equal values compare equal whatever their spelling (<c>1.0 == 1.00</c>).
/// </summary>
public sealed class DecimalValue(long scaled) : Value
{
    public long Scaled { get; } = scaled;

    public override ValueKind Kind => ValueKind.Decimal;

    public override bool Equals(Value? other) => other is DecimalValue d && d.Scaled == Scaled;

    public override int GetHashCode() => HashCode.Combine(7, Scaled);

    public override string ToString()
    {
        var abs = Int128.Abs(Scaled);
        var sign = Scaled < 0 ? "-" : "";
        return string.Create(CultureInfo.InvariantCulture, $"decimal(\"{sign}{abs / 10000}.{abs % 10000:D4}\")");
    }
}
