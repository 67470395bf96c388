namespace QuantaProxy.Policy.Schema;

// Names are Cedar's schema type names, which happen to be .NET type names too.
#pragma warning disable CA1720

public enum SchemaTypeKind
{
    Boolean,
    Long,
    String,
    Set,
    Record,
    Entity,
    IpAddress,
    Decimal,
}

/// <summary>The type of an attribute or of the context in a <see cref="PolicySchema"/>.</summary>
public sealed class SchemaType
{
    private SchemaType(SchemaTypeKind kind, SchemaType? element = null, IReadOnlyDictionary<string, AttributeSchema>? attributes = null, IReadOnlyList<string>? entityTypes = null)
    {
        Kind = kind;
        Element = element;
        Attributes = attributes;
        EntityTypes = entityTypes;
    }

    public SchemaTypeKind Kind { get; }

    /// <summary>For a set, its element type.</summary>
    public SchemaType? Element { get; }

    /// <summary>For a record, its attributes.</summary>
    public IReadOnlyDictionary<string, AttributeSchema>? Attributes { get; }

    /// <summary>For an entity, the entity type (or, when inferred for a policy variable, the types it may have).</summary>
    public IReadOnlyList<string>? EntityTypes { get; }

    public static SchemaType Boolean { get; } = new(SchemaTypeKind.Boolean);
    public static SchemaType Long { get; } = new(SchemaTypeKind.Long);
    public static SchemaType String { get; } = new(SchemaTypeKind.String);
    public static SchemaType IpAddress { get; } = new(SchemaTypeKind.IpAddress);
    public static SchemaType Decimal { get; } = new(SchemaTypeKind.Decimal);

    public static SchemaType SetOf(SchemaType element) => new(SchemaTypeKind.Set, element: element ?? throw new ArgumentNullException(nameof(element)));

    public static SchemaType Record(IReadOnlyDictionary<string, AttributeSchema> attributes) =>
        new(SchemaTypeKind.Record, attributes: new Dictionary<string, AttributeSchema>(attributes ?? throw new ArgumentNullException(nameof(attributes)), StringComparer.Ordinal));

    public static SchemaType Entity(params string[] entityTypes) =>
        entityTypes is { Length: > 0 } ? new(SchemaTypeKind.Entity, entityTypes: entityTypes) : throw new ArgumentException("An entity type needs a name.", nameof(entityTypes));
}

#pragma warning restore CA1720

/// <summary>An attribute's type and whether every entity (or context) has it.</summary>
public sealed record AttributeSchema(SchemaType Type, bool Required = true);
