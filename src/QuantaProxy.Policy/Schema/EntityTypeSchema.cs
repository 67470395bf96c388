namespace QuantaProxy.Policy.Schema;

/// <summary>An entity type: its full name (with namespace), its attributes and the types of its parents.</summary>
public sealed class EntityTypeSchema(string name, IReadOnlyDictionary<string, AttributeSchema>? attributes = null, IReadOnlyList<string>? memberOfTypes = null)
{
    public string Name { get; } = name;

    public IReadOnlyDictionary<string, AttributeSchema> Attributes { get; } =
        new Dictionary<string, AttributeSchema>(attributes ?? new Dictionary<string, AttributeSchema>(), StringComparer.Ordinal);

    public IReadOnlyList<string> MemberOfTypes { get; } = memberOfTypes ?? [];
}
