namespace QuantaProxy.Policy.Values;

/// <summary>A Cedar boolean; only the two shared instances exist, so evaluation allocates nothing for booleans.</summary>
public sealed class BoolValue : Value
{
    public static readonly BoolValue True = new(true);
    public static readonly BoolValue False = new(false);

    private BoolValue(bool value) => Value = value;

    public bool Value { get; }

    public override ValueKind Kind => ValueKind.Bool;

    public override bool Equals(Value? other) => other is BoolValue b && b.Value == Value;

    public override int GetHashCode() => Value ? 1 : 2;

    public override string ToString() => Value ? "true" : "false";
}
