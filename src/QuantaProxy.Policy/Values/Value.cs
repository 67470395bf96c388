namespace QuantaProxy.Policy.Values;

/// <summary>
/// A Cedar value. Equality is Cedar's <c>==</c>: structural, never an error, and values of different types are
/// simply unequal (so <c>1 == "1"</c> is false rather than a type error).
/// </summary>
public abstract class Value : IEquatable<Value>
{
    public abstract ValueKind Kind { get; }

    /// <summary>The type's name as Cedar's error messages spell it.</summary>
    public string TypeName => Kind switch
    {
        ValueKind.Bool => "bool",
        ValueKind.Long => "long",
        ValueKind.String => "string",
        ValueKind.Entity => "entity",
        ValueKind.Set => "set",
        ValueKind.Record => "record",
        ValueKind.IpAddress => "ipaddr",
        ValueKind.Decimal => "decimal",
        _ => "unknown",
    };

    public abstract bool Equals(Value? other);

    public sealed override bool Equals(object? obj) => obj is Value v && Equals(v);

    public abstract override int GetHashCode();

    public static Value From(bool b) => b ? BoolValue.True : BoolValue.False;

    public static Value From(long l) => new LongValue(l);

    public static Value From(string s) => new StringValue(s);
}
