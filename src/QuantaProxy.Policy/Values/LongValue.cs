using System.Globalization;

namespace QuantaProxy.Policy.Values;

/// <summary>A Cedar <c>Long</c>: a signed 64-bit integer whose arithmetic errors on overflow instead of wrapping.</summary>
public sealed class LongValue(long value) : Value
{
    public long Value { get; } = value;

    public override ValueKind Kind => ValueKind.Long;

    public override bool Equals(Value? other) => other is LongValue l && l.Value == Value;

    public override int GetHashCode() => Value.GetHashCode();

    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}
