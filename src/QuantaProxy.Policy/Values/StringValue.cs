namespace QuantaProxy.Policy.Values;

/// <summary>A Cedar string; compared ordinally, as Cedar compares by code points.</summary>
public sealed class StringValue(string value) : Value
{
    public string Value { get; } = value ?? throw new ArgumentNullException(nameof(value));

    public override ValueKind Kind => ValueKind.String;

    public override bool Equals(Value? other) => other is StringValue s && string.Equals(s.Value, Value, StringComparison.Ordinal);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    public override string ToString() => StringEscaping.Quote(Value);
}
