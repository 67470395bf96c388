using QuantaProxy.Policy.Values;

namespace QuantaProxy.Policy.Entities;

/// <summary>An entity: its uid, its attributes and its direct parents (the store follows parents transitively for <c>in</c>).</summary>
public sealed class Entity
{
    public Entity(EntityUid uid, IEnumerable<KeyValuePair<string, Value>>? attributes = null, IEnumerable<EntityUid>? parents = null)
    {
        ArgumentNullException.ThrowIfNull(uid);
        Uid = uid;
        Attributes = attributes is null ? RecordValue.Empty : new RecordValue(attributes);
        Parents = parents is null ? [] : [.. parents];
    }

    public EntityUid Uid { get; }

    public RecordValue Attributes { get; }

    public IReadOnlyList<EntityUid> Parents { get; }
}
