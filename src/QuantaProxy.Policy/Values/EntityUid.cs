namespace QuantaProxy.Policy.Values;

/// <summary>
/// An entity reference such as <c>QuantaProxy::Agent::"a1"</c>: a (possibly namespaced) type name and an id.
/// It is a value in its own right; the entity's attributes and parents live in an entity store.
/// </summary>
public sealed class EntityUid : Value
{
    private readonly int _hash;

    public EntityUid(string type, string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentNullException.ThrowIfNull(id);
        Type = type;
        Id = id;
        _hash = HashCode.Combine(StringComparer.Ordinal.GetHashCode(type), StringComparer.Ordinal.GetHashCode(id));
    }

    /// <summary>The entity type with its namespace, e.g. <c>QuantaProxy::Agent</c>.</summary>
    public string Type { get; }

    public string Id { get; }

    public override ValueKind Kind => ValueKind.Entity;

    public override bool Equals(Value? other) =>
        other is EntityUid e && (ReferenceEquals(e, this) ||
            (e._hash == _hash && string.Equals(e.Id, Id, StringComparison.Ordinal) && string.Equals(e.Type, Type, StringComparison.Ordinal)));

    public override int GetHashCode() => _hash;

    public override string ToString() => Type + "::" + StringEscaping.Quote(Id);
}
