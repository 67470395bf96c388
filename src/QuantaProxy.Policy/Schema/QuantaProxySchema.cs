namespace QuantaProxy.Policy.Schema;

/// <summary>The schema the gateway's policies are written against (docs/policy-language.md describes it).</summary>
public static class QuantaProxySchema
{
    public const string Namespace = "QuantaProxy";
    public const string Agent = Namespace + "::Agent";
    public const string ApiKey = Namespace + "::ApiKey";
    public const string AgentGroup = Namespace + "::AgentGroup";
    public const string Integration = Namespace + "::Integration";
    public const string Action = Namespace + "::Action";

    /// <summary>The Okta operations and the groups (read, write, destructive) each belongs to.</summary>
    public static IReadOnlyDictionary<string, string[]> Operations { get; } = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["list_users"] = ["read"],
        ["get_user"] = ["read"],
        ["get_system_log"] = ["read"],
        ["list_groups"] = ["read"],
        ["update_user"] = ["write"],
        ["add_user_to_group"] = ["write"],
        ["remove_user_from_group"] = ["write"],
        ["deactivate_user"] = ["write", "destructive"],
        ["suspend_user"] = ["write", "destructive"],
    };

    public static PolicySchema Create() => Create(Operations);

    /// <summary>
    /// The schema with the given operations (name → the groups it belongs to: <c>read</c>, <c>write</c>, <c>destructive</c>)
    /// and, when given, the attributes of <c>context.args</c> (default: the arguments of the operations above).
    /// </summary>
    public static PolicySchema Create(IReadOnlyDictionary<string, string[]> operations, IReadOnlyDictionary<string, AttributeSchema>? args = null)
    {
        ArgumentNullException.ThrowIfNull(operations);
        static AttributeSchema Req(SchemaType t) => new(t);
        static AttributeSchema Opt(SchemaType t) => new(t, Required: false);
        var principal = new Dictionary<string, AttributeSchema>
        {
            ["name"] = Req(SchemaType.String),
            ["issuer"] = Opt(SchemaType.String),
            ["tenant"] = Req(SchemaType.String),
        };
        var entityTypes = new[]
        {
            new EntityTypeSchema(Agent, principal, [AgentGroup]),
            new EntityTypeSchema(ApiKey, principal, [AgentGroup]),
            new EntityTypeSchema(AgentGroup, new Dictionary<string, AttributeSchema> { ["name"] = Opt(SchemaType.String) }, [AgentGroup]),
            new EntityTypeSchema(Integration, new Dictionary<string, AttributeSchema>
            {
                ["name"] = Req(SchemaType.String),
                ["okta_domain"] = Req(SchemaType.String),
            }),
        };
        var groups = SchemaType.SetOf(SchemaType.String);
        var context = new Dictionary<string, AttributeSchema>
        {
            ["human"] = Opt(SchemaType.Record(new Dictionary<string, AttributeSchema>
            {
                ["id"] = Req(SchemaType.String),
                ["login"] = Req(SchemaType.String),
                ["status"] = Req(SchemaType.String),
                ["groups"] = Req(groups),
            })),
            ["args"] = Req(SchemaType.Record(args ?? new Dictionary<string, AttributeSchema>
            {
                ["user_id"] = Opt(SchemaType.String),
                ["group_id"] = Opt(SchemaType.String),
                ["filter"] = Opt(SchemaType.String),
                ["search"] = Opt(SchemaType.String),
                ["limit"] = Opt(SchemaType.Long),
                ["profile"] = Opt(SchemaType.Record(new Dictionary<string, AttributeSchema>
                {
                    ["department"] = Opt(SchemaType.String),
                    ["email"] = Opt(SchemaType.String),
                    ["login"] = Opt(SchemaType.String),
                    ["firstName"] = Opt(SchemaType.String),
                    ["lastName"] = Opt(SchemaType.String),
                    ["title"] = Opt(SchemaType.String),
                })),
            })),
            ["target"] = Opt(SchemaType.Record(new Dictionary<string, AttributeSchema>
            {
                ["status"] = Req(SchemaType.String),
                ["groups"] = Req(groups),
            })),
            ["target_group"] = Opt(SchemaType.Record(new Dictionary<string, AttributeSchema>
            {
                ["id"] = Req(SchemaType.String),
                ["name"] = Req(SchemaType.String),
                ["type"] = Req(SchemaType.String),
            })),
            ["time"] = Req(SchemaType.Record(new Dictionary<string, AttributeSchema>
            {
                ["hour"] = Req(SchemaType.Long),
                ["weekday"] = Req(SchemaType.Long),
                ["minute"] = Opt(SchemaType.Long),
            })),
            ["calls_today"] = Req(SchemaType.Long),
            ["source_ip"] = Opt(SchemaType.IpAddress),
        };
        var actions = new List<ActionSchema>
        {
            new("read"), new("write"), new("destructive"),
        };
        actions.AddRange(operations.Select(op => new ActionSchema(op.Key, op.Value, [Agent, ApiKey], [Integration])));
        return new PolicySchema(entityTypes, Action, actions, context);
    }
}
