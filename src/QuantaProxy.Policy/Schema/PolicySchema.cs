namespace QuantaProxy.Policy.Schema;

/// <summary>
/// What policies may refer to: entity types and their attributes, actions (of one action entity type, e.g.
/// <c>QuantaProxy::Action</c>) with their groups, and the shape of the context record.
/// </summary>
public sealed class PolicySchema
{
    public PolicySchema(IEnumerable<EntityTypeSchema> entityTypes, string actionType, IEnumerable<ActionSchema> actions, IReadOnlyDictionary<string, AttributeSchema> context)
    {
        ArgumentNullException.ThrowIfNull(entityTypes);
        ArgumentNullException.ThrowIfNull(actions);
        ArgumentException.ThrowIfNullOrEmpty(actionType);
        EntityTypes = entityTypes.ToDictionary(e => e.Name, StringComparer.Ordinal);
        ActionType = actionType;
        Actions = actions.ToDictionary(a => a.Id, StringComparer.Ordinal);
        Context = SchemaType.Record(context);
        foreach (var a in Actions.Values)
        {
            foreach (var g in a.MemberOf)
            {
                if (!Actions.ContainsKey(g))
                {
                    throw new ArgumentException($"Action `{a.Id}` is a member of unknown action group `{g}`.", nameof(actions));
                }
            }
        }
    }

    public IReadOnlyDictionary<string, EntityTypeSchema> EntityTypes { get; }

    public string ActionType { get; }

    public IReadOnlyDictionary<string, ActionSchema> Actions { get; }

    public SchemaType Context { get; }

    /// <summary>Every principal type some action applies to (all entity types if no action says).</summary>
    internal IReadOnlyList<string> AllPrincipalTypes => Union(a => a.PrincipalTypes);

    internal IReadOnlyList<string> AllResourceTypes => Union(a => a.ResourceTypes);

    private List<string> Union(Func<ActionSchema, IReadOnlyList<string>> select)
    {
        var types = Actions.Values.SelectMany(select).Distinct(StringComparer.Ordinal).ToList();
        return types.Count > 0 ? types : [.. EntityTypes.Keys];
    }
}
