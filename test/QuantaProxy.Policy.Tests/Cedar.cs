using QuantaProxy.Policy.Evaluation;

namespace QuantaProxy.Policy.Tests;

/// <summary>Evaluates one expression the way a policy condition is evaluated, against a small fixed world.</summary>
internal static class Cedar
{
    public static readonly EntityUid Alice = new("QuantaProxy::Agent", "alice");
    public static readonly EntityUid ListUsers = new("QuantaProxy::Action", "list_users");
    public static readonly EntityUid Okta = new("QuantaProxy::Integration", "okta");

    public static EntityStore World { get; } = new([
        new Entity(Alice, [new("name", new StringValue("Alice")), new("level", new LongValue(3))], [new EntityUid("QuantaProxy::AgentGroup", "g0")]),
        new Entity(new EntityUid("QuantaProxy::AgentGroup", "g0"), null, [new EntityUid("QuantaProxy::AgentGroup", "g1")]),
        new Entity(new EntityUid("QuantaProxy::AgentGroup", "g1"), null, [new EntityUid("QuantaProxy::AgentGroup", "g2")]),
        new Entity(ListUsers, null, [new EntityUid("QuantaProxy::Action", "read")]),
        new Entity(Okta, [new("okta_domain", new StringValue("acme.okta.com"))]),
    ]);

    public static RecordValue Context { get; } = new([
        new("calls_today", new LongValue(long.MaxValue)),
        new("args", new RecordValue([new("limit", new LongValue(200)), new("user_id", new StringValue("00u1"))])),
        new("groups", new SetValue([new StringValue("Admins"), new StringValue("Everyone")])),
    ]);

    /// <summary>The value, or the error message prefixed with "error: ".</summary>
    public static string Eval(string expression)
    {
        var set = PolicySet.Parse($"permit(principal, action, resource) when {{ {expression} }};");
        var ctx = new EvaluationContext(new Request(Alice, ListUsers, Okta, Context), World);
        var v = set.Policies[0].Conditions[0].Body.Evaluate(ctx);
        return v is null ? "error: " + ctx.Error : v.ToString()!;
    }

    public static Decision Authorize(string policies, EntityUid? principal = null, RecordValue? context = null) =>
        Authorizer.IsAuthorized(new Request(principal ?? Alice, ListUsers, Okta, context ?? Context), World, PolicySet.Parse(policies));
}
