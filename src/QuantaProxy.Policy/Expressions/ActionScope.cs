using QuantaProxy.Policy.Entities;
using QuantaProxy.Policy.Parsing;
using QuantaProxy.Policy.Values;

namespace QuantaProxy.Policy.Expressions;

/// <summary>The action part of a scope: any, <c>== A</c>, <c>in A</c> or <c>in [A, B, …]</c>.</summary>
internal sealed class ActionScope
{
    public static readonly ActionScope Any = new(null, false, default);

    public ActionScope(IReadOnlyList<EntityUid>? actions, bool isIn, SourceLocation location)
    {
        Actions = actions;
        IsIn = isIn;
        Location = location;
    }

    /// <summary>Null for any action; one element for <c>==</c>.</summary>
    public IReadOnlyList<EntityUid>? Actions { get; }

    public bool IsIn { get; }

    public SourceLocation Location { get; }

    public bool Matches(EntityUid action, EntityStore entities)
    {
        if (Actions is null)
        {
            return true;
        }
        if (!IsIn)
        {
            return action.Equals(Actions[0]);
        }
        foreach (var a in Actions)
        {
            if (entities.IsInHierarchy(action, a))
            {
                return true;
            }
        }
        return false;
    }
}
