using QuantaProxy.Policy.Entities;
using QuantaProxy.Policy.Parsing;
using QuantaProxy.Policy.Values;

namespace QuantaProxy.Policy.Expressions;

/// <summary>
/// The principal or resource part of a policy's scope: any, <c>== E</c>, <c>in E</c>, <c>is T</c>, <c>is T in E</c>.
/// The request's principal and resource are always entities, so a scope check never errors.
/// </summary>
internal sealed class ScopeConstraint
{
    public static readonly ScopeConstraint Any = new(null, null, false, default);

    public ScopeConstraint(string? entityType, EntityUid? entity, bool isIn, SourceLocation location)
    {
        EntityType = entityType;
        Entity = entity;
        IsIn = isIn;
        Location = location;
    }

    /// <summary>The type required by <c>is</c>, if any.</summary>
    public string? EntityType { get; }

    /// <summary>The entity of <c>==</c> or <c>in</c>, if any.</summary>
    public EntityUid? Entity { get; }

    public bool IsIn { get; }

    public SourceLocation Location { get; }

    public bool Matches(EntityUid uid, EntityStore entities)
    {
        if (EntityType is not null && !string.Equals(uid.Type, EntityType, StringComparison.Ordinal))
        {
            return false;
        }
        if (Entity is null)
        {
            return true;
        }
        return IsIn ? entities.IsInHierarchy(uid, Entity) : uid.Equals(Entity);
    }
}
